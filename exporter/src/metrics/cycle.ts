import type { Db } from '../store/db';
import { DAY_MS, utcDay } from '../domain/time';
import { currentCycle as groupsCycle } from '../store/groups';

export interface CycleWindow {
  startMs: number;
  /** Null when only the spend endpoint's cycle start is known (the groups endpoint gives the end). */
  endMs: number | null;
}

/**
 * The billing cycle in force: the groups endpoint's cycle, unless the spend endpoint already
 * reports a newer cycle start (the two are collected separately), else null (nothing collected yet).
 */
export function currentCycle(db: Db, nowMs: number): CycleWindow | null {
  const cycle = groupsCycle(db, nowMs);
  const spend = db.prepare('SELECT MAX(cycle_start_ms) AS startMs FROM spend_snapshots').get() as { startMs: number | null };
  if (cycle && (spend.startMs === null || cycle.startMs >= spend.startMs)) return cycle;
  if (spend.startMs !== null) return { startMs: spend.startMs, endMs: null };
  return null;
}

/** Fallback activity window when no cycle is known yet: the last 30 days, as Cursor cycles are monthly. */
const FALLBACK_WINDOW_MS = 30 * DAY_MS;

/** First UTC day counted as "this cycle" for seat activity and per-model spend. */
export function cycleStartDay(cycle: CycleWindow | null, nowMs: number): string {
  return utcDay(cycle ? cycle.startMs : nowMs - FALLBACK_WINDOW_MS);
}
