import { DAY_MS, utcDay } from '../domain/time';
import type { CyclesRepo } from '../store/cycle';

export interface CycleWindow {
  startMs: number;
  /** Null while the end is only derived (start + 1 month): the end gauge stays 0 until Cursor reports it. */
  endMs: number | null;
}

/** The billing cycle in force (store/cycle.ts CyclesRepo.resolve), as the metrics publish it. */
export function currentCycle(cycles: CyclesRepo, nowMs: number): CycleWindow | null {
  const cycle = cycles.resolve(nowMs);
  return cycle && { startMs: cycle.startMs, endMs: cycle.endKnown ? cycle.endMs : null };
}

/** Fallback activity window when no cycle is known yet: the last 30 days, as Cursor cycles are monthly. */
const FALLBACK_WINDOW_MS = 30 * DAY_MS;

/** First UTC day counted as "this cycle" for seat activity and per-model spend. */
export function cycleStartDay(cycle: CycleWindow | null, nowMs: number): string {
  return utcDay(cycle ? cycle.startMs : nowMs - FALLBACK_WINDOW_MS);
}
