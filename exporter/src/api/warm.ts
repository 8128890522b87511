import { setImmediate as nextTurn } from 'node:timers/promises';
import { DAY_MS } from '../domain/time';
import type { ApiContext } from './context';

/** Ranges dashboards open with ("now-7d → now", "now-30d → now"): warmed after every collection. */
export const WARM_RANGES_DAYS = [7, 30] as const;

/**
 * Every collection writes the store and so empties the read cache; the next dashboard load would pay
 * the whole-team aggregates (about a second at 10,000 people × 90 days). Computing the shared,
 * team-wide parts for the default ranges right after the write moves that cost off the viewer:
 * members, top spenders, user summaries, model costs and the cycle tables then start from the cache.
 * One table at a time with a turn of the event loop in between, so scrapes and queries arriving
 * meanwhile wait for one table, not for all five (two seconds in bench/load).
 */
export async function warmApiCache(ctx: ApiContext): Promise<void> {
  const now = ctx.now();
  for (const days of WARM_RANGES_DAYS) {
    const w = ctx.window(now - days * DAY_MS, now);
    ctx.teamStats(w);
    await nextTurn();
    ctx.modelCosts(w, {});
    await nextTurn();
  }
  ctx.cycleSummary({});
}
