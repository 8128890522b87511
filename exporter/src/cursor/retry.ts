/** Pure retry arithmetic, kept apart from I/O so it is unit-testable without a server. */

/**
 * Parses a Retry-After header: delay-seconds ("60", "1.5") or an HTTP-date. Returns ms to wait
 * (never negative), or undefined when absent or unparseable — the seed client turned an HTTP-date
 * into NaN and retried at once; we fall back to backoff instead.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // HTTP-date forms all start with a day name; Date.parse alone would read '-5' as a year.
  const date = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export interface BackoffPolicy {
  baseMs: number; // first ceiling: 1 s
  capMs: number; // largest ceiling: 16 s (1, 2, 4, 8, 16 as the docs suggest)
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 16_000 };

/**
 * Exponential backoff with full jitter for the n-th retry (1-based): uniform in
 * [0, min(cap, base·2^(n−1))]. Full jitter spreads retries of concurrent callers apart.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
