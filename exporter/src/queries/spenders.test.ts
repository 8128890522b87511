import { openDb, type Db } from '../store/db';
import { addUsageDaily } from '../store/usage-daily';
import { teamStats, type TeamStats } from './members';
import { topSpenders } from './spenders';
import { dayWindow } from './window';

/** Everyone's figures, by spend rank. */
const ranked = (s: TeamStats) => Array.from(s.order, (i) => s.member(i));

// Top spenders over a small seeded team: ranks, shares of the selected people's spend, people filter.
const NOW = Date.parse('2026-05-20T12:00:00Z');
const w = dayWindow(Date.parse('2026-05-10T00:00:00Z'), NOW);

function seeded(): Db {
  const db = openDb(':memory:');
  const member = db.prepare(
    `INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, 'member', ?, 0, 0)`,
  );
  member.run('ann@x.io', 'Ann', 0);
  member.run('bob@x.io', 'Bob', 0);
  member.run('cid@x.io', 'Cid', 0);
  member.run('dee@x.io', 'Dee', 0); // no usage: not a spender
  member.run('eve@x.io', 'Eve', 1); // removed, spent in the window: still counted
  db.prepare(`INSERT INTO billing_groups (id, name, updated_ms) VALUES ('g1', 'Platform', 0)`).run();
  db.prepare(`INSERT INTO group_members (email, group_id) VALUES ('bob@x.io', 'g1'), ('cid@x.io', 'g1')`).run();
  addUsageDaily(db, [
    { day: '2026-05-11', email: 'ann@x.io', model: 'gpt-5', requests: 4, charged_micro: 300_000_000 }, // $3
    { day: '2026-05-12', email: 'ann@x.io', model: 'sonnet', requests: 6, charged_micro: 100_000_000 }, // $1
    { day: '2026-05-12', email: 'bob@x.io', model: 'gpt-5', requests: 10, charged_micro: 500_000_000 }, // $5
    { day: '2026-05-01', email: 'cid@x.io', model: 'gpt-5', requests: 99, charged_micro: 900_000_000 }, // before the window
    { day: '2026-05-15', email: 'cid@x.io', model: 'gpt-5', requests: 2, charged_micro: 100_000_000 }, // $1
    { day: '2026-05-16', email: 'eve@x.io', model: 'gpt-5', requests: 5, charged_micro: 200_000_000 }, // $2
  ]);
  return db;
}

describe('topSpenders', () => {
  it('ranks the window spend and gives each a share of the total', () => {
    const db = seeded();
    const f = topSpenders(db, w, null, 3);
    expect(f.rows).toEqual([
      {
        rank: 1,
        email: 'bob@x.io',
        name: 'Bob',
        group: 'Platform',
        spend_usd: 5,
        requests: 10,
        cost_per_request_usd: 0.5,
        share: 5 / 12,
      },
      {
        rank: 2,
        email: 'ann@x.io',
        name: 'Ann',
        group: null,
        spend_usd: 4,
        requests: 10,
        cost_per_request_usd: 0.4,
        share: 4 / 12,
      },
      {
        rank: 3,
        email: 'eve@x.io',
        name: 'Eve',
        group: null,
        spend_usd: 2,
        requests: 5,
        cost_per_request_usd: 0.4,
        share: 2 / 12,
      },
    ]);
  });

  it('shares are of the selected people only, and people without spend are left out', () => {
    const db = seeded();
    const f = topSpenders(db, w, new Set(['bob@x.io', 'cid@x.io', 'dee@x.io']), 10);
    expect(f.rows.map((r) => [r.email, r.spend_usd, r.share])).toEqual([
      ['bob@x.io', 5, 5 / 6],
      ['cid@x.io', 1, 1 / 6],
    ]);
  });

  it('with a model, only spend on that model counts', () => {
    const f = topSpenders(seeded(), w, null, 10, 'sonnet');
    expect(f.rows).toEqual([
      {
        rank: 1,
        email: 'ann@x.io',
        name: 'Ann',
        group: null,
        spend_usd: 1,
        requests: 6,
        cost_per_request_usd: 1 / 6,
        share: 1,
      },
    ]);
  });

  it('names the same people with the same spend as the members table', () => {
    const db = seeded();
    const stats = ranked(teamStats(db, w, NOW)).filter((m) => m.spendMicro > 0);
    expect(topSpenders(db, w, null, 10).rows.map((r) => [r.email, r.spend_usd, r.requests])).toEqual(
      stats.map((m) => [m.email, m.spendMicro / 1e8, m.requests]),
    );
  });
});
