import type { Migration } from '../migrations';

/**
 * Detection reads ~560k usage_daily rows per pass at 10,000 people × 57 days; turning them into
 * JavaScript was most of a pass (store/usage-day-packs.ts). usage_day_packs holds each day's rows
 * as packed columns (one blob a day), written by the detection cycle for the days its window reads
 * and dropped by the writer of usage_daily whenever it adds to that day, so a pack is never stale;
 * a day without one is read from usage_daily. usage_people numbers the people packs refer to
 * (ids never reused). Both are derived data: emptying them loses nothing.
 */
export const usageDayPacks: Migration = {
  version: 16,
  name: 'usage-day-packs',
  sql: `
CREATE TABLE usage_people (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
CREATE TABLE usage_day_packs (
  day TEXT PRIMARY KEY,
  models TEXT NOT NULL, -- JSON array: the day's models, indexed by the pack's model column
  rows INTEGER NOT NULL,
  columns BLOB NOT NULL -- rows × (5 float64 columns, then 2 uint32 columns), see store/usage-day-packs.ts
);`,
};
