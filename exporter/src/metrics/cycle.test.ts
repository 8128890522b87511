import { openDb } from '../store/db';
import { CyclesRepo } from '../store/cycle';
import { currentCycle, cycleStartDay } from './cycle';

const MAR = Date.parse('2026-03-01T00:00:00Z');
const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('metrics cycle', () => {
  it('publishes the end only once the groups endpoint reported it', () => {
    const db = openDb(':memory:');
    expect(currentCycle(new CyclesRepo(db), NOW)).toBeNull();
    expect(cycleStartDay(null, NOW)).toBe('2026-02-08'); // the last 30 days
    db.prepare(
      `INSERT INTO spend_snapshots (cycle_start_ms, email, total_micro, on_demand_micro, included_micro, collected_ms) VALUES (?, 'a@x.io', 0, 0, 0, 0)`,
    ).run(MAR);
    expect(currentCycle(new CyclesRepo(db), NOW)).toEqual({ startMs: MAR, endMs: null });
    db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(
      MAR,
      Date.parse('2026-04-01T00:00:00Z'),
    );
    expect(currentCycle(new CyclesRepo(db), NOW)).toEqual({ startMs: MAR, endMs: Date.parse('2026-04-01T00:00:00Z') });
    expect(cycleStartDay(currentCycle(new CyclesRepo(db), NOW), NOW)).toBe('2026-03-01');
    db.close();
  });
});
