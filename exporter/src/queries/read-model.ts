import type { Store } from '../store';
import type { Db } from '../store/db';
import { analytics } from './analytics';
import { QueryCache, type QueryCacheOptions } from './cache';
import { cycleSummaryTable, planExhaustionTable } from './cycle-summary';
import { freshness } from './health';
import { selectedEmails, teamStats } from './members';
import { modelCosts, userModelCosts } from './model-costs';
import { budgets, forecasts, savings } from './outputs';
import { series, type SeriesRequest } from './series';
import { topSpenders } from './spenders';
import { knownEmail, userAnomalies, userFeatures, userModels, userTimeline } from './user';
import { variables } from './variables';
import type { PeopleFilter } from './scope';
import type { DayWindow } from './window';
import { utcDay } from '../domain/time';

/** A query's arguments after the database. */
type Args<F> = F extends (db: Db, ...rest: infer R) => unknown ? R : never;

/**
 * The JSON API's read side over the store's database: the queries the routes ask, bound to it, and
 * the cache they share. The composition root builds it; the API holds this, never the Db handle.
 */
export class ReadModel {
  private readonly db: Db;
  readonly cache: QueryCache;

  /**
   * cache.maxEntries 0 turns result caching off (bench/api measures the uncached cost that way);
   * cache.lagMs lets a collection under way show late (QueryCache).
   */
  constructor(store: Store, cache: QueryCacheOptions = {}) {
    this.db = store.db;
    this.cache = new QueryCache(this.db, cache);
  }

  freshness = () => freshness(this.db);
  series = (req: SeriesRequest) => series(this.db, req, this.cache.share);
  analytics = (...a: Args<typeof analytics>) => analytics(this.db, ...a);
  variables = (...a: Args<typeof variables>) => variables(this.db, ...a);
  // The whole-team tables share intermediate results within a store generation (QueryCache.share).
  // A window's member figures (~6 MB at 10,000 people) are one of them, not a result entry: the
  // members table, its searches and pages and the drilldowns build on them, and a dashboard whose
  // range is dragged through many windows keeps a bounded number, not one per window for an hour.
  // The cycle (plan exhaustion, cycle day) depends on today, so the UTC day is part of the key.
  teamStats = (w: DayWindow, nowMs: number, model?: string) =>
    this.cache.share(`team:${w.fromDay}:${w.toDay}:${model ?? ''}:${utcDay(nowMs)}`, () =>
      teamStats(this.db, w, nowMs, model, this.cache.share),
    );
  topSpenders = (w: DayWindow, emails: Set<string> | null, limit: number, model?: string) =>
    topSpenders(this.db, w, emails, limit, model, this.cache.share);
  selectedEmails = (...a: Args<typeof selectedEmails>) => selectedEmails(this.db, ...a);
  cycleSummaryTable = (nowMs: number, emails: Set<string> | null) =>
    cycleSummaryTable(this.db, nowMs, emails, this.cache.share);
  planExhaustionTable = (nowMs: number, emails: Set<string> | null, limit: number) =>
    planExhaustionTable(this.db, nowMs, emails, limit, this.cache.share);
  modelCosts = (w: DayWindow, f: PeopleFilter) => modelCosts(this.db, w, f, this.cache.share);
  userModelCosts = (w: DayWindow, f: PeopleFilter, limit: number) =>
    userModelCosts(this.db, w, f, limit, this.cache.share);
  forecasts = (...a: Args<typeof forecasts>) => forecasts(this.db, ...a);
  budgets = () => budgets(this.db);
  savings = (...a: Args<typeof savings>) => savings(this.db, ...a);
  knownEmail = (...a: Args<typeof knownEmail>) => knownEmail(this.db, ...a);
  userTimeline = (...a: Args<typeof userTimeline>) => userTimeline(this.db, ...a);
  userModels = (...a: Args<typeof userModels>) => userModels(this.db, ...a);
  userFeatures = (...a: Args<typeof userFeatures>) => userFeatures(this.db, ...a);
  userAnomalies = (...a: Args<typeof userAnomalies>) => userAnomalies(this.db, ...a);
}
