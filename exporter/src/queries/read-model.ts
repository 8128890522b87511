import type { Store } from '../store';
import type { Db } from '../store/db';
import { analytics } from './analytics';
import { QueryCache } from './cache';
import { cycleSummaryTable, planExhaustionTable } from './cycle-summary';
import { freshness } from './health';
import { selectedEmails, teamStats } from './members';
import { modelCosts, userModelCosts } from './model-costs';
import { budgets, forecasts, savings } from './outputs';
import { series } from './series';
import { topSpenders } from './spenders';
import { knownEmail, userAnomalies, userFeatures, userModels, userTimeline } from './user';
import { variables } from './variables';

/** A query's arguments after the database. */
type Args<F> = F extends (db: Db, ...rest: infer R) => unknown ? R : never;

/**
 * The JSON API's read side over the store's database: the queries the routes ask, bound to it, and
 * the cache they share. The composition root builds it; the API holds this, never the Db handle.
 */
export class ReadModel {
  private readonly db: Db;
  readonly cache: QueryCache;

  /** cacheEntries: results kept; 0 turns caching off (bench/api measures the uncached cost that way). */
  constructor(store: Store, cacheEntries?: number) {
    this.db = store.db;
    this.cache = new QueryCache(this.db, cacheEntries);
  }

  freshness = () => freshness(this.db);
  series = (...a: Args<typeof series>) => series(this.db, ...a);
  analytics = (...a: Args<typeof analytics>) => analytics(this.db, ...a);
  variables = (...a: Args<typeof variables>) => variables(this.db, ...a);
  teamStats = (...a: Args<typeof teamStats>) => teamStats(this.db, ...a);
  topSpenders = (...a: Args<typeof topSpenders>) => topSpenders(this.db, ...a);
  selectedEmails = (...a: Args<typeof selectedEmails>) => selectedEmails(this.db, ...a);
  cycleSummaryTable = (...a: Args<typeof cycleSummaryTable>) => cycleSummaryTable(this.db, ...a);
  planExhaustionTable = (...a: Args<typeof planExhaustionTable>) => planExhaustionTable(this.db, ...a);
  modelCosts = (...a: Args<typeof modelCosts>) => modelCosts(this.db, ...a);
  userModelCosts = (...a: Args<typeof userModelCosts>) => userModelCosts(this.db, ...a);
  forecasts = (...a: Args<typeof forecasts>) => forecasts(this.db, ...a);
  budgets = () => budgets(this.db);
  savings = (...a: Args<typeof savings>) => savings(this.db, ...a);
  knownEmail = (...a: Args<typeof knownEmail>) => knownEmail(this.db, ...a);
  userTimeline = (...a: Args<typeof userTimeline>) => userTimeline(this.db, ...a);
  userModels = (...a: Args<typeof userModels>) => userModels(this.db, ...a);
  userFeatures = (...a: Args<typeof userFeatures>) => userFeatures(this.db, ...a);
  userAnomalies = (...a: Args<typeof userAnomalies>) => userAnomalies(this.db, ...a);
}
