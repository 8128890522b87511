import { planExhaustion } from '../digests/plan-exhaustion';
import { Store } from '../store';
import { addUsageDaily } from '../store/usage-daily';
import { ReadModel } from './read-model';
import type { TeamStats } from './members';
import { dayWindow } from './window';

/** Everyone's figures, by spend rank. */
const ranked = (s: TeamStats) => Array.from(s.order, (i) => s.member(i));

// The read model shares intermediate results (plan-exhaustion digest, a window's people and usage,
// person × model rows) within a store generation, even with result caching off. A write between two
// queries must show in the second; a filtered answer must equal the digest computed on its own.
const NOW = Date.parse('2026-05-20T12:00:00Z');
const MAY = Date.parse('2026-05-01T00:00:00Z');
const JUNE = Date.parse('2026-06-01T00:00:00Z');
const W = dayWindow(Date.parse('2026-05-01T00:00:00Z'), NOW);
const $ = (dollars: number) => dollars * 1e8;

function seeded(): Store {
  const store = Store.open(':memory:');
  const db = store.db;
  const member = db.prepare(
    `INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, 'member', 0, 0, 0)`,
  );
  for (const [email, name] of [
    ['ann@x.io', 'Ann'],
    ['bob@x.io', 'Bob'],
    ['cid@x.io', 'Cid'],
    ['dee@x.io', 'Dee'],
  ])
    member.run(email, name);
  db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(MAY, JUNE);
  const snap = db.prepare(
    `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, collected_ms) VALUES (${MAY}, ?, ?, ?, ?, 0)`,
  );
  snap.run('ann@x.io', $(30), $(10), $(20));
  snap.run('bob@x.io', $(5), 0, $(5));
  snap.run('cid@x.io', $(2), $(2), 0);
  const du = db.prepare(
    'INSERT INTO daily_usage (day, email, is_active, agent_requests, usage_based_reqs) VALUES (?, ?, 1, ?, ?)',
  );
  du.run('2026-05-04', 'ann@x.io', 20, 3);
  du.run('2026-05-07', 'bob@x.io', 4, 0);
  du.run('2026-05-09', 'dee@x.io', 7, 0);
  addUsageDaily(db, [
    { day: '2026-05-04', email: 'ann@x.io', model: 'gpt-5', charged_micro: $(12), requests: 20, events: 20 },
    { day: '2026-05-07', email: 'bob@x.io', model: 'gpt-5', charged_micro: $(3), requests: 4, events: 4 },
  ]);
  return store;
}

const exhaustedEmails = (read: ReadModel) => read.planExhaustionTable(NOW, null, 100).rows.map((r) => r.email);

describe('ReadModel shared intermediates', () => {
  it('a write between two queries shows in the second, with result caching off', () => {
    const store = seeded();
    const read = new ReadModel(store, { maxEntries: 0 });
    expect(exhaustedEmails(read)).toEqual(['ann@x.io', 'cid@x.io']);
    expect(ranked(read.teamStats(W, NOW)).find((m) => m.email === 'bob@x.io')?.planExhaustedDay).toBeNull();
    expect(read.topSpenders(W, null, 10).rows.map((r) => r.email)).toEqual(['ann@x.io', 'bob@x.io']);
    expect(read.modelCosts(W, {}).rows).toMatchObject([{ model: 'gpt-5', users: 2 }]);

    // Bob goes beyond his plan and spends on a second model; Dee spends for the first time.
    store.db
      .prepare(
        'INSERT INTO daily_usage (day, email, is_active, agent_requests, usage_based_reqs) VALUES (?, ?, 1, ?, ?)',
      )
      .run('2026-05-10', 'bob@x.io', 9, 5);
    addUsageDaily(store.db, [
      {
        day: '2026-05-10',
        email: 'bob@x.io',
        model: 'claude-4.5-sonnet',
        charged_micro: $(40),
        requests: 9,
        events: 9,
      },
      { day: '2026-05-09', email: 'dee@x.io', model: 'gpt-5', charged_micro: $(1), requests: 7, events: 7 },
    ]);

    expect(exhaustedEmails(read)).toEqual(['ann@x.io', 'bob@x.io', 'cid@x.io']);
    expect(read.cycleSummaryTable(NOW, null).rows[0]).toMatchObject({ plan_exhausted: 3 });
    const bob = ranked(read.teamStats(W, NOW)).find((m) => m.email === 'bob@x.io');
    expect(bob).toMatchObject({ planExhaustedDay: '2026-05-10', spendMicro: $(43), spendRank: 1 });
    expect(read.topSpenders(W, null, 10).rows.map((r) => r.email)).toEqual(['bob@x.io', 'ann@x.io', 'dee@x.io']);
    expect(read.modelCosts(W, {}).rows.map((r) => r.model)).toEqual(['claude-4.5-sonnet', 'gpt-5']);
    expect(read.userModelCosts(W, {}, 10).rows).toHaveLength(4);
  });

  it('a selection of people gets the digest computed for it alone', () => {
    const store = seeded();
    const read = new ReadModel(store, { maxEntries: 0 });
    read.planExhaustionTable(NOW, null, 100); // everyone's digest is now shared
    for (const pick of [['ann@x.io'], ['bob@x.io', 'dee@x.io'], ['cid@x.io', 'bob@x.io'], []]) {
      const emails = new Set(pick);
      const alone = planExhaustion(store, NOW, emails)!;
      const table = read.planExhaustionTable(NOW, emails, 100);
      expect(table.rows.map((r) => r.email)).toEqual(alone.earliest(100).map((u) => u.email));
      expect(table.meta).toMatchObject({
        users_exhausted: alone.usersExhausted,
        total_active: alone.totalActive,
        avg_days: alone.avgDays,
        median_days: alone.medianDays,
      });
      expect(read.cycleSummaryTable(NOW, emails).rows[0]).toMatchObject({ plan_exhausted: alone.usersExhausted });
    }
  });

  it('computes a shared result once per store generation, even with caching off', () => {
    const store = seeded();
    const read = new ReadModel(store, { maxEntries: 0 });
    let computed = 0;
    const value = () => read.cache.share('k', () => ++computed);
    expect([value(), value()]).toEqual([1, 1]);
    store.db.prepare("INSERT INTO meta (key, value, updated_ms) VALUES ('x', 'y', 0)").run();
    expect([value(), value()]).toEqual([2, 2]);
  });
});
