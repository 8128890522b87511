/**
 * Rate limits as Cursor documents them (D26): fixed one-minute windows per (API key, endpoint).
 * 20/min for most Admin routes, 60/min for filtered-usage-events, 100/min for Analytics team routes.
 */
import { MINUTE_MS } from '../domain/time';

export interface RateLimits {
  admin: number;
  usageEvents: number;
  analytics: number;
}

export const DEFAULT_LIMITS: RateLimits = { admin: 20, usageEvents: 60, analytics: 100 };

export type Verdict = { ok: true } | { ok: false; retryAfterS: number };

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number) {}

  /** Counts one request against (key, endpoint); refuses it once `limit` were taken in this minute. */
  take(apiKey: string, endpoint: string, limit: number): Verdict {
    const now = this.now();
    const start = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const id = `${apiKey}\u0000${endpoint}`;
    let w = this.windows.get(id);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(id, w);
    }
    if (w.count >= limit) return { ok: false, retryAfterS: Math.max(1, Math.ceil((start + MINUTE_MS - now) / 1000)) };
    w.count++;
    return { ok: true };
  }

  reset(): void {
    this.windows.clear();
  }
}
