import type { Migration } from '../migrations';

/**
 * A week's day packs summed (store/day-packs.ts): a 30-day window of the JSON API's whole-team
 * tables reads four week packs and a few days instead of thirty day packs, and each of them is about
 * one day's rows. A week pack is made once its week is over and every day of it with rows is packed;
 * a day pack made again or dropped (the writers drop a day's pack when they add to it) drops its
 * week's pack by the triggers below, and a reader takes a week pack only when it summed every day
 * listed for its week, so a week pack is never stale. Derived data: emptying the tables loses nothing.
 * Weeks run Monday to Sunday; date(day, 'weekday 0', '-6 days') is the Monday of a day's week.
 */
const packTables = (kind: string) => `
CREATE TABLE ${kind}_week_packs (
  week TEXT PRIMARY KEY, -- its Monday
  models TEXT NOT NULL, -- JSON array, indexed by the pack's model column
  rows INTEGER NOT NULL,
  days INTEGER NOT NULL, -- the day packs summed
  columns BLOB NOT NULL -- rows × (the day packs' float64 columns, then count, days, last; then 2 uint32 columns)
);
CREATE TRIGGER ${kind}_day_pack_ins AFTER INSERT ON ${kind}_day_packs BEGIN
  DELETE FROM ${kind}_week_packs WHERE week = date(NEW.day, 'weekday 0', '-6 days');
END;
CREATE TRIGGER ${kind}_day_pack_del AFTER DELETE ON ${kind}_day_packs BEGIN
  DELETE FROM ${kind}_week_packs WHERE week = date(OLD.day, 'weekday 0', '-6 days');
END;`;

export const weekPacks: Migration = {
  version: 19,
  name: 'week-packs',
  sql: packTables('usage') + packTables('activity'),
};
