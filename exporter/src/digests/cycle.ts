import { DAY_MS, dayStartMs, utcDay } from '../domain/time';
import type { Db } from '../store/db';
import { currentCycle } from '../store/groups';

/** The billing cycle a digest is about, as UTC days. */
export interface DigestCycle {
  startMs: number;
  endMs: number; // exclusive
  startDay: string;
  endDay: string; // last day inside the cycle
  lengthDays: number;
  /** ceil((end − now) / day), never negative: the reference's "days remaining". */
  daysRemaining: number;
}

function addMonthUtc(ms: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.getTime();
}

export function describeCycle(startMs: number, endMs: number, nowMs: number): DigestCycle {
  return {
    startMs,
    endMs,
    startDay: utcDay(startMs),
    endDay: utcDay(endMs - 1),
    lengthDays: Math.max(1, Math.ceil((endMs - startMs) / DAY_MS)),
    daysRemaining: Math.max(0, Math.ceil((endMs - nowMs) / DAY_MS)),
  };
}

/**
 * The current cycle from the groups API (billing_cycles), else from the latest spend snapshot plus one
 * calendar month (the reference's fallback). null when neither was ever collected.
 */
export function digestCycle(db: Db, nowMs: number): DigestCycle | null {
  const c = currentCycle(db, nowMs);
  if (c) return describeCycle(c.startMs, c.endMs, nowMs);
  const s = db.prepare('SELECT MAX(cycle_start_ms) AS startMs FROM spend_snapshots WHERE cycle_start_ms <= ?').get(nowMs) as {
    startMs: number | null;
  };
  return s.startMs === null ? null : describeCycle(s.startMs, addMonthUtc(s.startMs), nowMs);
}

/** The cycle before `cycle`: the stored one if known, else one of the same length ending at its start. */
export function previousCycle(db: Db, cycle: DigestCycle): DigestCycle {
  const p = db.prepare('SELECT start_ms AS startMs, end_ms AS endMs FROM billing_cycles WHERE start_ms < ? ORDER BY start_ms DESC LIMIT 1').get(cycle.startMs) as
    | { startMs: number; endMs: number }
    | undefined;
  const startMs = p?.startMs ?? cycle.startMs - (cycle.endMs - cycle.startMs);
  return describeCycle(startMs, cycle.startMs, cycle.startMs);
}

/** 1-based day of the cycle a data day falls on (the reference's "day N of cycle"). */
export function dayOfCycle(cycle: Pick<DigestCycle, 'startDay'>, day: string): number {
  return Math.floor((dayStartMs(day) - dayStartMs(cycle.startDay)) / DAY_MS) + 1;
}

/** The last data day to read: the cycle's end or today, whichever comes first. */
export function lastDataDay(cycle: DigestCycle, nowMs: number): string {
  const today = utcDay(nowMs);
  return today < cycle.endDay ? today : cycle.endDay;
}
