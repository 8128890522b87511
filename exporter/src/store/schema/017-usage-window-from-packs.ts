import type { Migration } from '../migrations';

/**
 * The usage running totals per person and per (person, model) (schema/013, sparse since 015) go:
 * window totals are now the window's day packs summed (store/usage-day-packs.ts, ~30 ms for 30 days
 * at 10,000 people against ~60–70 ms for the two running-total reads), and keeping them cost ingest
 * a seek and a write per (person, model) and per person each day, ~13% of a backfill. usage_asof_days
 * stays: it lists the days with usage.
 */
export const usageWindowFromPacks: Migration = {
  version: 17,
  name: 'usage-window-from-packs',
  sql: `
DROP TABLE usage_user_asof;
DROP TABLE usage_pair_asof;`,
};
