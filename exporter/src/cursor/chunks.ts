/** Splitting of requested ranges into the windows Cursor accepts (at most 30 days each). */
import { addDays, dayStartMs, DAY_MS, utcDay } from '../domain/time';

export const MAX_RANGE_DAYS = 30;
export const MAX_RANGE_MS = MAX_RANGE_DAYS * DAY_MS;

export interface MsWindow {
  startMs: number;
  endMs: number; // inclusive, ms precision (Cursor treats both bounds as inclusive)
}

/** [fromMs, toMs] cut into windows of `windowMs` (capped at 30 days); each starts at the previous end + 1. */
export function msWindows(fromMs: number, toMs: number, windowMs: number): MsWindow[] {
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs))
    throw new RangeError(`range bounds must be integer epoch ms, got ${fromMs}..${toMs}`);
  if (fromMs > toMs) throw new RangeError(`range start ${fromMs} is after its end ${toMs}`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1)
    throw new RangeError(`window must be a positive integer of ms, got ${windowMs}`);
  const size = Math.min(windowMs, MAX_RANGE_MS);
  const out: MsWindow[] = [];
  for (let start = fromMs; start <= toMs; start += size)
    out.push({ startMs: start, endMs: Math.min(start + size - 1, toMs) });
  return out;
}

export interface DayWindow {
  fromDay: string;
  toDay: string; // inclusive
}

/** Inclusive day range cut into windows of at most 30 days. */
export function dayWindows(fromDay: string, toDay: string): DayWindow[] {
  const from = strictDayMs(fromDay);
  const to = strictDayMs(toDay);
  if (from > to) throw new RangeError(`range start ${fromDay} is after its end ${toDay}`);
  const out: DayWindow[] = [];
  for (let day = fromDay; dayStartMs(day) <= to; day = addDays(day, MAX_RANGE_DAYS)) {
    const last = addDays(day, MAX_RANGE_DAYS - 1);
    out.push({ fromDay: day, toDay: dayStartMs(last) < to ? last : toDay });
  }
  return out;
}

/** dayStartMs, but also rejecting days that Date.parse rolls over (2026-02-30 → March 2). */
function strictDayMs(day: string): number {
  const ms = dayStartMs(day);
  if (utcDay(ms) !== day) throw new RangeError(`invalid day '${day}', expected an existing YYYY-MM-DD date`);
  return ms;
}
