import { DAY_MS } from '../domain/time';
import type { ApiContext } from './context';

/** Ranges dashboards open with ("now-7d → now", "now-30d → now"): warmed after every collection. */
export const WARM_RANGES_DAYS = [7, 30] as const;

/**
 * Every collection writes the store and so empties the read cache; the next dashboard load would pay
 * the whole-team aggregates (about a second at 10,000 people × 90 days). Computing the shared,
 * team-wide parts for the default ranges right after the write moves that cost off the viewer:
 * members, top spenders, user summaries, model costs and the cycle tables then start from the cache.
 */
export function warmApiCache(ctx: ApiContext): void {
  ctx.read.cache.recheck(); // the cycle's writes show now, whatever the cache's lag
  const now = ctx.now();
  for (const days of WARM_RANGES_DAYS) {
    const w = ctx.window(now - days * DAY_MS, now);
    ctx.teamStats(w);
    ctx.modelCosts(w, {});
  }
  ctx.cycleSummary({});
}
