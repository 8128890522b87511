import type { Db } from './db';

/** One person's use of one model, summed over every stored day. */
export interface UserModelTotals {
  email: string;
  model: string;
  costMicro: number;
  requests: number;
  events: number;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/** Sums of the usage_daily pre-aggregate (what the Prometheus counters and per-model spend publish). */
export class UsageTotalsRepo {
  constructor(private readonly db: Db) {}

  /** Every (person, model) pair's all-time totals: they only grow, as events are only ever added. */
  byUserModel(): UserModelTotals[] {
    return this.db
      .prepare(
        `SELECT email, model, SUM(charged_micro) AS costMicro, SUM(requests) AS requests, SUM(events) AS events,
                SUM(input_tokens) AS input, SUM(output_tokens) AS output,
                SUM(cache_write_tokens) AS cacheWrite, SUM(cache_read_tokens) AS cacheRead
           FROM usage_daily GROUP BY email, model`,
      )
      .all() as UserModelTotals[];
  }

  /** Charged spend per model from `fromDay` on. */
  spendByModelSince(fromDay: string): { model: string; micro: number }[] {
    return this.db
      .prepare('SELECT model, SUM(charged_micro) AS micro FROM usage_daily WHERE day >= ? GROUP BY model')
      .all(fromDay) as { model: string; micro: number }[];
  }
}
