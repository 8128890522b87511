import type { Migration } from '../migrations';

const MEASURES = `max_mode, requests_costs, is_token_based, input_tokens, output_tokens, cache_write_tokens,
  cache_read_tokens, token_micro, charged_micro, cursor_fee_micro, is_chargeable, is_headless, conversation_id`;

/**
 * Usage events keep their e-mail, model and kind as numbers into usage_names, and no day column
 * (it is the timestamp's): a row is about half as wide, and the ingest writes ~1,000,000 of them a
 * backfill; text keys made SQLite's part of it a quarter slower (bench/HISTORY.md, ingest). The
 * view usage_events reads them as before, with names and the day, for the few readers of raw
 * events (detection's hourly sums, a finding's onset, tests).
 */
export const usageEventNames: Migration = {
  version: 22,
  name: 'usage-event-names',
  sql: `
CREATE TABLE usage_names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT INTO usage_names (name)
  SELECT email FROM usage_events UNION SELECT model FROM usage_events UNION SELECT kind FROM usage_events;

CREATE TABLE usage_event_rows (
  ts_ms INTEGER NOT NULL,
  event_hash INTEGER NOT NULL,
  email_id INTEGER NOT NULL,
  model_id INTEGER NOT NULL,
  kind_id INTEGER NOT NULL,
  max_mode INTEGER NOT NULL,
  requests_costs REAL NOT NULL,
  is_token_based INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  token_micro INTEGER NOT NULL,
  charged_micro INTEGER NOT NULL,
  cursor_fee_micro INTEGER NOT NULL,
  is_chargeable INTEGER NOT NULL,
  is_headless INTEGER NOT NULL,
  conversation_id TEXT,
  PRIMARY KEY (ts_ms, event_hash)
) WITHOUT ROWID;
INSERT INTO usage_event_rows
  SELECT ts_ms, event_hash, e.id, m.id, k.id, ${MEASURES}
  FROM usage_events
  JOIN usage_names e ON e.name = email
  JOIN usage_names m ON m.name = model
  JOIN usage_names k ON k.name = kind
  ORDER BY ts_ms, event_hash;
DROP TABLE usage_events;

CREATE VIEW usage_events AS
  SELECT ts_ms, event_hash, date(ts_ms / 1000, 'unixepoch') AS day, e.name AS email, m.name AS model, k.name AS kind,
    ${MEASURES}
  FROM usage_event_rows
  JOIN usage_names e ON e.id = email_id
  JOIN usage_names m ON m.id = model_id
  JOIN usage_names k ON k.id = kind_id;`,
};
