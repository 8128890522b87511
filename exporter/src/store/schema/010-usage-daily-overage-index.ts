import type { Migration } from '../migrations';

/**
 * Plan exhaustion (digests/plan-exhaustion.ts) asks usage_daily for the cycle's person-days with
 * usage-based events. Without an index that walks every row of the cycle (about 15–30 ms at
 * 10,000 people, paid by the members table, top spenders, plan exhaustion and the cycle summary
 * alike); this partial index holds only the few rows beyond the plan, like daily_usage_overage
 * (schema/007), so ingest maintains it only for those.
 */
export const usageDailyOverageIndex: Migration = {
  version: 10,
  name: 'usage-daily-overage-index',
  sql: 'CREATE INDEX usage_daily_overage ON usage_daily(day, email, usage_based_events) WHERE usage_based_events > 0;',
};
