import type { Migration } from '../migrations';

/**
 * Read-side rollups for the JSON API. Dashboards ask for team- and user-level totals over weeks;
 * usage_daily is per (day, email, model), so a 10,000-person team would make each of those queries
 * aggregate millions of rows. These two tables are kept exact by triggers on usage_daily (inserts,
 * upserts and deletes all apply their delta), so whoever writes usage_daily needs no API knowledge.
 * tokens = input + output + cache write + cache read.
 */
const sums = ['events', 'requests', 'charged_micro', 'tokens', 'cache_read_tokens'] as const;

const NEW = `NEW.events, NEW.requests, NEW.charged_micro,
  NEW.input_tokens + NEW.output_tokens + NEW.cache_write_tokens + NEW.cache_read_tokens, NEW.cache_read_tokens`;
const OLD = `-OLD.events, -OLD.requests, -OLD.charged_micro,
  -(OLD.input_tokens + OLD.output_tokens + OLD.cache_write_tokens + OLD.cache_read_tokens), -OLD.cache_read_tokens`;
const addUp = sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');

function apply(table: string, key: string, row: 'NEW' | 'OLD'): string {
  const keyValues = key
    .split(', ')
    .map((k) => `${row}.${k}`)
    .join(', ');
  return `INSERT INTO ${table} (${key}, ${sums.join(', ')}) VALUES (${keyValues}, ${row === 'NEW' ? NEW : OLD})
    ON CONFLICT (${key}) DO UPDATE SET ${addUp};`;
}

function triggers(table: string, key: string): string {
  return `
CREATE TRIGGER ${table}_ins AFTER INSERT ON usage_daily BEGIN ${apply(table, key, 'NEW')} END;
CREATE TRIGGER ${table}_upd AFTER UPDATE ON usage_daily BEGIN ${apply(table, key, 'OLD')} ${apply(table, key, 'NEW')} END;
CREATE TRIGGER ${table}_del AFTER DELETE ON usage_daily BEGIN ${apply(table, key, 'OLD')} END;
INSERT INTO ${table} (${key}, ${sums.join(', ')})
  SELECT ${key}, SUM(events), SUM(requests), SUM(charged_micro),
    SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens), SUM(cache_read_tokens)
  FROM usage_daily GROUP BY ${key};`;
}

const columns = `
  events INTEGER NOT NULL DEFAULT 0,
  requests REAL NOT NULL DEFAULT 0,
  charged_micro INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0`;

export const apiRollups: Migration = {
  version: 3,
  name: 'api-rollups',
  sql: `
-- Team totals per day and model (series by team/model, model adoption, KPIs).
CREATE TABLE usage_team_daily (
  day TEXT NOT NULL,
  model TEXT NOT NULL,${columns},
  PRIMARY KEY (day, model)
) WITHOUT ROWID;

-- Per-person totals per day over all models (members table, top spenders, series by user/group).
CREATE TABLE usage_user_daily (
  day TEXT NOT NULL,
  email TEXT NOT NULL,${columns},
  PRIMARY KEY (day, email)
) WITHOUT ROWID;
CREATE INDEX usage_user_daily_email ON usage_user_daily(email, day);
${triggers('usage_team_daily', 'day, model')}
${triggers('usage_user_daily', 'day, email')}
`,
};
