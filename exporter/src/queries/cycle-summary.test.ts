import { openDb, type Db } from '../store/db';
import { addUsageDaily } from '../store/usage-daily';
import { cycleSummaryTable, planExhaustionTable } from './cycle-summary';

// The cycle-summary and plan-exhaustion tables over a seeded cycle (May 2026, today the 20th); the
// expected figures are worked out by hand from the rows below.
const NOW = Date.parse('2026-05-20T12:00:00Z');
const MAY = Date.parse('2026-05-01T00:00:00Z');
const JUNE = Date.parse('2026-06-01T00:00:00Z');
const $ = (dollars: number) => dollars * 1e8;

function seeded(): Db {
  const db = openDb(':memory:');
  const member = db.prepare(
    `INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, 'member', ?, 0, 0)`,
  );
  member.run('ann@x.io', 'Ann', 0);
  member.run('bob@x.io', 'Bob', 0);
  member.run('cid@x.io', 'Cid', 0);
  member.run('dee@x.io', 'Dee', 1); // removed: no seat
  db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?), (?, ?)').run(
    Date.parse('2026-04-01T00:00:00Z'),
    MAY,
    MAY,
    JUNE,
  );
  const snap = db.prepare(
    `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, collected_ms) VALUES (${MAY}, ?, ?, ?, ?, 0)`,
  );
  snap.run('ann@x.io', $(30), $(10), $(20));
  snap.run('bob@x.io', $(5), 0, $(5));
  snap.run('cid@x.io', $(2), $(2), 0); // on-demand spend without usage-based days: exhausted, no day
  // April has no snapshot: its spend is its charged events.
  addUsageDaily(db, [
    { day: '2026-04-10', email: 'ann@x.io', model: 'gpt-5', charged_micro: $(12) },
    { day: '2026-04-11', email: 'bob@x.io', model: 'gpt-5', charged_micro: $(8) },
  ]);
  const du = db.prepare(
    'INSERT INTO daily_usage (day, email, is_active, agent_requests, usage_based_reqs) VALUES (?, ?, ?, ?, ?)',
  );
  du.run('2026-05-04', 'ann@x.io', 1, 20, 3);
  du.run('2026-05-06', 'ann@x.io', 1, 10, 2);
  du.run('2026-05-07', 'bob@x.io', 1, 4, 0);
  du.run('2026-04-20', 'cid@x.io', 1, 9, 0); // last cycle: not active this one
  return db;
}

describe('cycleSummaryTable', () => {
  it('sums the bill, compares it with the previous cycle and counts seats', () => {
    expect(cycleSummaryTable(seeded(), NOW, null).rows).toEqual([
      {
        cycle_start: MAY,
        cycle_end: JUNE,
        cycle_day: 20,
        cycle_days: 31,
        days_left: 12,
        spend_usd: 37,
        previous_spend_usd: 20,
        change: (37 - 20) / 20,
        members: 3,
        active_members: 2,
        unused_seats: 1,
        plan_exhausted: 2,
        top_spenders: 'Ann ($30.00), Bob ($5.00), Cid ($2.00)',
      },
    ]);
  });

  it('limits every figure to the selected people', () => {
    const [row] = cycleSummaryTable(seeded(), NOW, new Set(['bob@x.io', 'cid@x.io'])).rows;
    expect(row).toMatchObject({
      spend_usd: 7,
      previous_spend_usd: 8,
      members: 2,
      active_members: 1,
      unused_seats: 1,
      plan_exhausted: 1,
      top_spenders: 'Bob ($5.00), Cid ($2.00)',
    });
  });

  it('is all empty before any cycle was collected', () => {
    const [row] = cycleSummaryTable(openDb(':memory:'), NOW, null).rows;
    expect(row).toMatchObject({ cycle_start: null, spend_usd: null, members: 0, top_spenders: '' });
  });
});

describe('planExhaustionTable', () => {
  it('lists the exhausted earliest first and summarises the day of the cycle', () => {
    const t = planExhaustionTable(seeded(), NOW, null, 10);
    expect(t.rows).toEqual([
      {
        email: 'ann@x.io',
        name: 'Ann',
        exhausted: Date.parse('2026-05-04T00:00:00Z'),
        cycle_day: 4,
        usage_based_requests: 5,
      },
      { email: 'cid@x.io', name: 'Cid', exhausted: null, cycle_day: null, usage_based_requests: 0 },
    ]);
    // Active: Ann and Bob had agent requests this cycle, Cid counts because exhausted.
    expect(t.meta).toEqual({
      users_exhausted: 2,
      total_active: 3,
      share: 2 / 3,
      avg_days: 4,
      median_days: 4,
      'Day 1-3': 0,
      'Day 4-7': 1,
      'Day 8-14': 0,
      'Day 15+': 0,
    });
    expect(planExhaustionTable(seeded(), NOW, null, 1).rows).toHaveLength(1);
  });
});
