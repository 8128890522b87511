import type { Migration } from '../migrations';

/**
 * Activity windows from day packs, as usage's since schema/017 (store/day-packs.ts): daily_usage's
 * days as activity_day_packs, and the running totals activity_asof and daily_usage_asof go with the
 * triggers that kept them (a seek and a write or two per row each, most of a daily-usage write).
 * daily_usage_asof_days stays, the days with rows; new triggers keep it and drop a day's pack when
 * any of its rows is written (an index probe or two a row), so every writer of daily_usage keeps the
 * packs right. ON CONFLICT DO NOTHING, not OR IGNORE: an upsert's own conflict handling overrides an
 * OR clause inside the triggers it fires.
 */
export const activityDayPacks: Migration = {
  version: 18,
  name: 'activity-day-packs',
  sql: `
DROP TRIGGER activity_asof_ins;
DROP TRIGGER activity_asof_upd_old;
DROP TRIGGER activity_asof_upd_new;
DROP TRIGGER activity_asof_del;
DROP TRIGGER daily_usage_asof_ins;
DROP TRIGGER daily_usage_asof_upd;
DROP TRIGGER daily_usage_asof_del;
DROP TABLE activity_asof;
DROP TABLE activity_asof_days;
DROP TABLE daily_usage_asof;
CREATE TABLE activity_day_packs (
  day TEXT PRIMARY KEY,
  models TEXT NOT NULL, -- JSON array: the day's most-used models ('' for none), indexed by the pack's model column
  rows INTEGER NOT NULL,
  columns BLOB NOT NULL -- rows × (5 float64 columns, then 2 uint32 columns), see store/day-packs.ts
);
CREATE TRIGGER daily_usage_day_ins AFTER INSERT ON daily_usage BEGIN
  INSERT INTO daily_usage_asof_days (day) VALUES (NEW.day) ON CONFLICT DO NOTHING;
  DELETE FROM activity_day_packs WHERE day = NEW.day;
END;
CREATE TRIGGER daily_usage_day_upd AFTER UPDATE ON daily_usage BEGIN
  INSERT INTO daily_usage_asof_days (day) VALUES (NEW.day) ON CONFLICT DO NOTHING;
  DELETE FROM activity_day_packs WHERE day IN (OLD.day, NEW.day);
END;
CREATE TRIGGER daily_usage_day_del AFTER DELETE ON daily_usage BEGIN
  DELETE FROM activity_day_packs WHERE day = OLD.day;
END;`,
};
