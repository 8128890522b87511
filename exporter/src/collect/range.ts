import { addDays, dayStartMs, utcDay } from '../domain/time';

/** Start (00:00 UTC) of the day `days - 1` days before `nowMs`: `days` calendar days including today. */
export function lookbackStartMs(nowMs: number, days: number): number {
  return dayStartMs(addDays(utcDay(nowMs), -(days - 1)));
}

/**
 * Where a stream's fetch starts: from its watermark minus `backoffMs` when it has one, else the
 * initial backfill. A `backfill --days N` reaches N days back (exactly N on an empty stream), unless
 * the stream already holds every day since then without a gap (`coveredFromMs`, where that range
 * starts): then it resumes from the watermark, so re-running an interrupted backfill does not
 * fetch again what the first attempt stored.
 */
export function streamStartMs(
  nowMs: number,
  watermarkMs: number | undefined,
  backoffMs: number,
  initialDays: number,
  backfillDays: number | undefined,
  coveredFromMs?: number,
): number {
  if (watermarkMs === undefined) return lookbackStartMs(nowMs, backfillDays ?? initialDays);
  const incremental = Math.min(watermarkMs - backoffMs, nowMs);
  if (backfillDays === undefined) return incremental;
  const lookback = lookbackStartMs(nowMs, backfillDays);
  return coveredFromMs !== undefined && coveredFromMs <= lookback ? incremental : Math.min(incremental, lookback);
}
