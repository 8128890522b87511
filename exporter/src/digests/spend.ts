import { DAY_MS } from '../domain/time';
import type { CycleInfo } from '../store/cycle';
import type { Db } from '../store/db';

/**
 * The spend snapshot cycle that belongs to `cycle`: snapshots are keyed by the spend endpoint's own
 * cycle start, which may sit up to a day off the groups endpoint's. null when none was collected.
 */
export function spendCycleStart(db: Db, cycle: Pick<CycleInfo, 'startMs' | 'endMs'>): number | null {
  return db
    .prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots WHERE cycle_start_ms >= ? AND cycle_start_ms < ?')
    .pluck()
    .get(cycle.startMs - DAY_MS, cycle.endMs - DAY_MS) as number | null;
}

export interface CycleSpend {
  /** billed = the spend endpoint's snapshot (what Cursor bills); events = charged usage events. */
  source: 'billed' | 'events';
  totalMicro: number;
  byEmail: Map<string, number>;
}

/**
 * A cycle's spend per person: its bill when a spend snapshot of that cycle exists, else the charged
 * usage events from its start to `toDay` (the two reconcile, per Cursor's docs); null when neither was
 * collected. `emails` limits it to those people; null = everyone.
 */
export function cycleSpend(db: Db, cycle: CycleInfo, toDay: string, emails: ReadonlySet<string> | null): CycleSpend | null {
  const snapshot = spendCycleStart(db, cycle);
  const rows =
    snapshot !== null
      ? (db.prepare('SELECT email, total_micro FROM spend_snapshots WHERE cycle_start_ms = ?').raw().all(snapshot) as [string, number][])
      : (db
          .prepare('SELECT email, SUM(charged_micro) FROM usage_user_daily WHERE day BETWEEN ? AND ? GROUP BY email')
          .raw()
          .all(cycle.startDay, toDay) as [string, number][]);
  if (snapshot === null && rows.length === 0) return null;
  const byEmail = new Map(rows.filter(([email]) => emails === null || emails.has(email)));
  let totalMicro = 0;
  for (const micro of byEmail.values()) totalMicro += micro;
  return { source: snapshot !== null ? 'billed' : 'events', totalMicro, byEmail };
}

/** Relative change (0.5 = +50%); null without a previous amount to compare with. */
export function relativeChange(current: number, previous: number | null): number | null {
  return previous ? (current - previous) / previous : null;
}
