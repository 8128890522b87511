/** Test-only: a small team in the March 2026 cycle, written straight into the store. */
import { usdToMicro } from '../domain/money';
import type { Db } from '../store/db';
import { addUsageDaily } from '../store/usage-daily';

export const MARCH = { startMs: Date.parse('2026-03-01T00:00:00Z'), endMs: Date.parse('2026-04-01T00:00:00Z') };
export const FEB = { startMs: Date.parse('2026-02-01T00:00:00Z'), endMs: MARCH.startMs };

export function seedTeam(db: Db): void {
  const member = db.prepare(
    'INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, 0, 0)',
  );
  member.run('alice@example.com', 'Alice <Ops> & Co', 'member', 0);
  member.run('bob@example.com', 'Bob', 'member', 0);
  member.run('carol@example.com', 'Carol', 'member', 0);
  member.run('dave@example.com', 'Dave', 'member', 0);
  member.run('erin@example.com', 'Erin', 'member', 1); // removed: not a seat

  const cycle = db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)');
  cycle.run(FEB.startMs, FEB.endMs);
  cycle.run(MARCH.startMs, MARCH.endMs);

  const daily = db.prepare(
    `INSERT INTO daily_usage (day, email, is_active, agent_requests, accepts, applies, usage_based_reqs) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (let d = 1; d <= 10; d++) {
    const day = `2026-03-${String(d).padStart(2, '0')}`;
    daily.run(day, 'alice@example.com', 1, 20, 8, 10, d >= 5 ? 3 : 0); // plan ran out on day 5
  }
  daily.run('2026-03-02', 'bob@example.com', 1, 3, 0, 0, 0);
  daily.run('2026-03-03', 'bob@example.com', 1, 2, 0, 0, 0);
  daily.run('2026-03-04', 'dave@example.com', 0, 0, 0, 0, 0);
  daily.run('2026-02-20', 'dave@example.com', 1, 50, 0, 0, 9); // last cycle: not this cycle's exhaustion

  const usage = (day: string, email: string, model: string, usd: number, usageBased: number) => ({
    day,
    email,
    model,
    events: 1,
    charged_micro: usdToMicro(usd),
    usage_based_events: usageBased,
  });
  addUsageDaily(db, [
    usage('2026-03-05', 'alice@example.com', 'claude-4-opus', 100, 3),
    usage('2026-03-06', 'alice@example.com', 'gpt-5', 20, 0),
    usage('2026-03-02', 'bob@example.com', 'gpt-5', 10, 0),
    usage('2026-02-15', 'alice@example.com', 'gpt-5', 60, 0), // previous cycle
    usage('2026-01-10', 'alice@example.com', 'gpt-5', 1000, 0), // older: never counted
  ]);

  const snap = db.prepare(
    `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, collected_ms) VALUES (?, ?, ?, ?, ?, 0)`,
  );
  snap.run(MARCH.startMs, 'alice@example.com', usdToMicro(120), usdToMicro(40), usdToMicro(80));
  snap.run(MARCH.startMs, 'carol@example.com', usdToMicro(25), usdToMicro(5), usdToMicro(20)); // on-demand without daily rows
  snap.run(MARCH.startMs, 'bob@example.com', usdToMicro(10), 0, usdToMicro(10));
}
