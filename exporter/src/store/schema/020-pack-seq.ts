import type { Migration } from '../migrations';

/**
 * Every day and week pack gets a number no other pack ever had (`seq`: the 'pack' counter of
 * `counters`, moved on by the triggers below as each pack is written): a window's sums over the
 * packs of its settled days can then be kept across store generations and known to be the same
 * (store/day-packs.ts tally) — a collection drops and re-packs only its recent days, and a pack made
 * again, even of the same size, has a new number. The number sits before the blob: a column after a
 * pack's megabyte is read through the blob's overflow pages. The pack tables are derived data, so
 * they are made anew, empty; the exporter packs every day again at start (detection-cycle.ts
 * packDays), as after a backfill.
 */
const BUMP = "UPDATE counters SET seq = seq + 1 WHERE name = 'pack';";
const packTables = (kind: string) => `
DROP TABLE ${kind}_week_packs;
DROP TABLE ${kind}_day_packs;
CREATE TABLE ${kind}_day_packs (
  day TEXT PRIMARY KEY,
  models TEXT NOT NULL, -- JSON array, indexed by the pack's model column
  rows INTEGER NOT NULL,
  seq INTEGER NOT NULL, -- unique among all packs ever written
  columns BLOB NOT NULL -- rows × (float64 columns, then 2 uint32 columns), see store/day-packs.ts
);
CREATE TABLE ${kind}_week_packs (
  week TEXT PRIMARY KEY, -- its Monday
  models TEXT NOT NULL,
  rows INTEGER NOT NULL,
  days INTEGER NOT NULL, -- the day packs summed
  seq INTEGER NOT NULL,
  columns BLOB NOT NULL -- rows × (the day packs' float64 columns, then count, days, last; then 2 uint32 columns)
);
CREATE TRIGGER ${kind}_day_pack_ins AFTER INSERT ON ${kind}_day_packs BEGIN
  DELETE FROM ${kind}_week_packs WHERE week = date(NEW.day, 'weekday 0', '-6 days');
  ${BUMP}
END;
CREATE TRIGGER ${kind}_day_pack_del AFTER DELETE ON ${kind}_day_packs BEGIN
  DELETE FROM ${kind}_week_packs WHERE week = date(OLD.day, 'weekday 0', '-6 days');
END;
CREATE TRIGGER ${kind}_week_pack_ins AFTER INSERT ON ${kind}_week_packs BEGIN
  ${BUMP}
END;`;

export const packSeq: Migration = {
  version: 20,
  name: 'pack-seq',
  sql: `
-- Numbers that only move on, by name: what a reader kept is the same while its number is.
CREATE TABLE counters (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
INSERT INTO counters (name, seq) VALUES ('pack', 1);
${packTables('usage')}${packTables('activity')}`,
};
