import { addDays, dayStartMs, utcDay } from '../domain/time';

/** Start (00:00 UTC) of the day `days - 1` days before `nowMs`: `days` calendar days including today. */
export function lookbackStartMs(nowMs: number, days: number): number {
  return dayStartMs(addDays(utcDay(nowMs), -(days - 1)));
}

/**
 * Where a stream's fetch starts: from its watermark minus `backoffMs` when it has one, else the
 * initial backfill. A `backfill --days N` reaches N days back (exactly N on an empty stream).
 */
export function streamStartMs(
  nowMs: number,
  watermarkMs: number | undefined,
  backoffMs: number,
  initialDays: number,
  backfillDays: number | undefined,
): number {
  if (watermarkMs === undefined) return lookbackStartMs(nowMs, backfillDays ?? initialDays);
  const incremental = Math.min(watermarkMs - backoffMs, nowMs);
  return backfillDays === undefined ? incremental : Math.min(incremental, lookbackStartMs(nowMs, backfillDays));
}
