import type { Store } from '../store';
import { QueryCache } from '../queries/cache';
import { cycleSummaryTable } from '../queries/cycle-summary';
import { selectedEmails, teamStats, type TeamStats } from '../queries/members';
import { modelCosts } from '../queries/model-costs';
import type { PeopleFilter } from '../queries/scope';
import { dayWindow, type DayWindow } from '../queries/window';
import { DEFAULT_MUTATION_LIMIT, type MutationLimit } from './routes/limits';

/**
 * What every route needs: the store's repositories (incidents, settings, groups), the read model's
 * handle, a clock, and the shared read cache.
 */
export class ApiContext {
  /** The read model's (queries/) handle; routes reach the write side only through `store`'s repositories. */
  readonly db: Store['db'];
  readonly cache: QueryCache;
  /** Route config that rate-limits a mutation. */
  readonly mutation: { rateLimit: MutationLimit };

  constructor(
    readonly store: Store,
    readonly now: () => number,
    limit: MutationLimit = DEFAULT_MUTATION_LIMIT,
    /** Results kept; 0 turns caching off (bench/api measures the uncached cost that way). */
    cacheEntries?: number,
  ) {
    this.db = store.db;
    this.mutation = { rateLimit: limit };
    this.cache = new QueryCache(this.db, cacheEntries);
  }

  window(fromMs: number, toMs: number): DayWindow {
    return dayWindow(fromMs, toMs);
  }

  /** Team-wide member figures for a window (ranks and badges need everyone), cached per window. */
  teamStats(w: DayWindow, model?: string): TeamStats {
    // The cycle (plan exhaustion, cycle day) depends on today, so the UTC day is part of the key.
    return this.cache.get(`team:${w.fromDay}:${w.toDay}:${model ?? ''}:${this.today()}`, () => teamStats(this.db, w, this.now(), model));
  }

  /** The cycle summary row for everyone or one group, cached for the day. */
  cycleSummary(f: PeopleFilter) {
    return this.cached(['cycle-summary', this.today(), f.group ?? null], () => cycleSummaryTable(this.db, this.now(), selectedEmails(this.db, f)));
  }

  /** The model cost comparison for a window and people filter, cached. */
  modelCosts(w: DayWindow, f: PeopleFilter) {
    return this.cached(['model-costs', w, f.user ?? null, f.group ?? null], () => modelCosts(this.db, w, f));
  }

  /** Today's UTC day: part of the key of anything that depends on "now" (cycle day, days left). */
  today(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  cached<T>(parts: unknown[], compute: () => T): T {
    return this.cache.get(JSON.stringify(parts), compute);
  }
}
