import type { Migration } from '../migrations';

/**
 * usage_daily loses its (email, day) index. Each ingest window adds a row per active person to
 * it, one in every leaf page, so every commit rewrote nearly the whole index: a third of the
 * ingest time, growing with the history kept. Readers seek usage_daily by its primary key
 * (day, email, model) one day at a time instead (queries/user.ts), or use usage_user_daily's
 * (email, day, …) index when no model is involved.
 */
export const dropUsageDailyEmail: Migration = {
  version: 9,
  name: 'drop-usage-daily-email',
  sql: 'DROP INDEX usage_daily_email;',
};
