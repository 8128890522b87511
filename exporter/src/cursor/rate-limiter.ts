/**
 * Client-side pacing at Cursor's documented per-minute limits (cursor-api.md §1.2), so a steady
 * collection never meets a 429. One token bucket per budget:
 *   - POST /teams/filtered-usage-events: its own budget (60/min);
 *   - every /analytics/team/* endpoint: ONE shared budget (100/min). Cursor counts these per
 *     endpoint, so sharing is stricter than needed and therefore safe;
 *   - any other endpoint: its own budget at the default (20/min).
 *
 * Buckets refill continuously. Capacity (burst) B is small and the refill rate is (L − B)/min, so
 * any 60-second span holds at most B + (L − B) = L requests: safe against a fixed-window counter
 * (what Cursor documents) and a sliding one alike. Callers reserve a token up front (the balance
 * may go negative), which queues concurrent callers fairly without polling.
 */
import { setTimeout as setTimeoutPromise } from 'node:timers/promises';

export interface RateLimits {
  default: number; // requests per minute
  usageEvents: number;
  analyticsTeam: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A timer that an abort clears (a pending timer would keep an exiting process alive). */
export const defaultSleep: Sleep = (ms, signal) => setTimeoutPromise(ms, undefined, { signal });

export const DOCUMENTED_LIMITS: RateLimits = { default: 20, usageEvents: 60, analyticsTeam: 100 };

export interface RateLimiterOptions {
  limits?: Partial<RateLimits>;
  now?: () => number;
  /** Waits ms; rejects when `signal` aborts, so an abandoned request stops waiting at once. */
  sleep?: Sleep;
}

interface Bucket {
  tokens: number;
  capacity: number;
  perMs: number; // refill rate in tokens per ms
  updatedAt: number;
}

const MINUTE_MS = 60_000;

/** Maps a path template to its budget's name. */
export function budgetOf(endpoint: string): { name: string; limit: keyof RateLimits } {
  const path = endpoint.replace(/^[A-Z]+ /, '');
  if (path === '/teams/filtered-usage-events') return { name: path, limit: 'usageEvents' };
  if (path.startsWith('/analytics/team/')) return { name: '/analytics/team/*', limit: 'analyticsTeam' };
  return { name: path, limit: 'default' };
}

export class RateLimiter {
  private readonly limits: RateLimits;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: RateLimiterOptions = {}) {
    this.limits = { ...DOCUMENTED_LIMITS, ...opts.limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!(Number.isFinite(value) && value >= 1))
        throw new RangeError(`rate limit '${name}' must be ≥ 1 request per minute, got ${value}`);
    }
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
  }

  /** Waits until a request to `endpoint` may be sent; resolves with the ms waited (0 if none). */
  async acquire(endpoint: string, signal?: AbortSignal): Promise<number> {
    const wait = this.reserve(endpoint);
    if (wait > 0) await this.sleep(wait, signal);
    return wait;
  }

  /** Takes one token now and returns how long the caller must wait before using it. */
  private reserve(endpoint: string): number {
    const bucket = this.bucketFor(endpoint);
    const now = this.now();
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.updatedAt) * bucket.perMs);
    bucket.updatedAt = now;
    bucket.tokens -= 1;
    return bucket.tokens >= 0 ? 0 : Math.ceil(-bucket.tokens / bucket.perMs);
  }

  private bucketFor(endpoint: string): Bucket {
    const { name, limit } = budgetOf(endpoint);
    let bucket = this.buckets.get(name);
    if (bucket === undefined) {
      const perMinute = this.limits[limit];
      // ~5% of the limit as burst, at least 1: 20/min → 1, 60/min → 3, 100/min → 5.
      const capacity = Math.max(1, Math.floor(perMinute / 20));
      const perMs = Math.max(perMinute - capacity, 1) / MINUTE_MS;
      bucket = { tokens: capacity, capacity, perMs, updatedAt: this.now() };
      this.buckets.set(name, bucket);
    }
    return bucket;
  }
}
