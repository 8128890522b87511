import { DAY_MS, dayStartMs, utcDay } from '../domain/time';
import { BadInput } from '../domain/errors';

/** Longest range a dashboard query may cover; a year of daily rows is plenty and bounds the work. */
export const MAX_RANGE_DAYS = 400;

export interface DayWindow {
  fromDay: string;
  toDay: string; // inclusive
  days: number;
}

/**
 * Grafana sends instants (`${__from}`, `${__to}`); the data is per UTC day, so a window is every day
 * the instants touch. Normalising here also makes "now-30d → now" hit the same cached result all day.
 */
export function dayWindow(fromMs: number, toMs: number, where: 'querystring' | 'body' = 'querystring'): DayWindow {
  if (toMs < fromMs) throw new BadInput(`${where}.to`, 'must not be before from');
  const fromDay = utcDay(fromMs);
  const toDay = utcDay(toMs);
  const days = (dayStartMs(toDay) - dayStartMs(fromDay)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS)
    throw new BadInput(`${where}.from`, `range is ${days} days, at most ${MAX_RANGE_DAYS} allowed`);
  return { fromDay, toDay, days };
}

/** Bucket width in whole days; sub-day intervals make no sense over daily data. */
export function intervalDays(ms: number, field = 'querystring.interval'): number {
  if (ms < DAY_MS || ms % DAY_MS !== 0) {
    throw new BadInput(field, 'must be a whole number of days and at least 1d, because usage data is daily');
  }
  return ms / DAY_MS;
}
