/** All days are UTC calendar days as 'YYYY-MM-DD'; all instants are epoch milliseconds. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayStartMs(day: string): number {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(ms)) throw new Error(`invalid day '${day}', expected YYYY-MM-DD`);
  return ms;
}

export function addDays(day: string, n: number): string {
  return utcDay(dayStartMs(day) + n * DAY_MS);
}

/** Inclusive list of days from `from` to `to`. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = dayStartMs(from), end = dayStartMs(to); ms <= end; ms += DAY_MS) out.push(utcDay(ms));
  return out;
}

/** Saturday or Sunday, for a day number (days since 1970-01-01, which was a Thursday). */
export function isWeekend(dayNum: number): boolean {
  const dow = (dayNum + 4) % 7;
  return dow === 0 || dow === 6;
}

/** Saturday or Sunday, for a UTC day 'YYYY-MM-DD'. */
export function isWeekendDay(day: string): boolean {
  return isWeekend(Math.round(dayStartMs(day) / DAY_MS));
}

/** Parses durations such as '90s', '15m', '1h', '2d' into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration '${text}', expected e.g. 30s, 15m, 1h, 1d`);
  const unit = { ms: 1, s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}
