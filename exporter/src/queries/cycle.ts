import { DAY_MS, utcDay } from '../domain/time';
import type { Db } from '../store/db';

export interface Cycle {
  startMs: number;
  endMs: number; // exclusive
  startDay: string;
  lastDay: string; // inclusive
  lengthDays: number;
  /** Day of the cycle `now` falls on (1-based, clamped to the cycle). */
  dayOfCycle: number;
  daysLeft: number;
}

function addMonth(ms: number): number {
  const d = new Date(ms);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.getTime();
}

/**
 * The current billing cycle: the latest one Cursor reported (groups API), else the latest spend
 * snapshot's start plus one calendar month (Cursor cycles are monthly), else null.
 */
export function currentCycle(db: Db, nowMs: number): Cycle | null {
  const known = db.prepare('SELECT start_ms AS s, end_ms AS e FROM billing_cycles ORDER BY start_ms DESC LIMIT 1').get() as
    | { s: number; e: number }
    | undefined;
  let startMs: number;
  let endMs: number;
  if (known) {
    [startMs, endMs] = [known.s, known.e];
  } else {
    const s = db.prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots').pluck().get() as number | null;
    if (s === null) return null;
    [startMs, endMs] = [s, addMonth(s)];
  }
  const lengthDays = Math.max(1, Math.ceil((endMs - startMs) / DAY_MS));
  const dayOfCycle = Math.min(lengthDays, Math.max(1, Math.floor((nowMs - startMs) / DAY_MS) + 1));
  return {
    startMs,
    endMs,
    startDay: utcDay(startMs),
    lastDay: utcDay(endMs - 1),
    lengthDays,
    dayOfCycle,
    daysLeft: Math.max(0, Math.ceil((endMs - nowMs) / DAY_MS)),
  };
}
