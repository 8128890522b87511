import type { Migration } from '../migrations';

/** The measures a usage event keeps as they are. */
const MEASURES = `requests_costs, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, token_micro,
  charged_micro, cursor_fee_micro`;

/**
 * Usage events keep their e-mail, model and kind as numbers into usage_names, their four yes/no
 * fields as the bits of one number, and no day column (it is the timestamp's): a row about half as
 * wide with 4 fewer values to bind, of which the ingest writes ~1,000,000 a backfill (text keys and
 * separate flags made SQLite's part of it ~40% slower: bench/HISTORY.md, ingest). The view
 * usage_events reads them as before, with names, flags and the day, for the few readers of raw
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
  flags INTEGER NOT NULL,                         -- 1 max mode, 2 token-based call, 4 chargeable, 8 headless
  requests_costs REAL NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  token_micro INTEGER NOT NULL,
  charged_micro INTEGER NOT NULL,
  cursor_fee_micro INTEGER NOT NULL,
  conversation_id TEXT,
  PRIMARY KEY (ts_ms, event_hash)
) WITHOUT ROWID;
INSERT INTO usage_event_rows
  SELECT ts_ms, event_hash, e.id, m.id, k.id, max_mode | (is_token_based << 1) | (is_chargeable << 2) | (is_headless << 3),
    ${MEASURES}, conversation_id
  FROM usage_events
  JOIN usage_names e ON e.name = email
  JOIN usage_names m ON m.name = model
  JOIN usage_names k ON k.name = kind
  ORDER BY ts_ms, event_hash;
DROP TABLE usage_events;

-- SQLite's bit operators share one precedence, left to right: hence the parentheses.
CREATE VIEW usage_events AS
  SELECT ts_ms, event_hash, date(ts_ms / 1000, 'unixepoch') AS day, e.name AS email, m.name AS model, k.name AS kind,
    flags & 1 AS max_mode, requests_costs, (flags >> 1) & 1 AS is_token_based, input_tokens, output_tokens,
    cache_write_tokens, cache_read_tokens, token_micro, charged_micro, cursor_fee_micro, (flags >> 2) & 1 AS is_chargeable,
    (flags >> 3) & 1 AS is_headless, conversation_id
  FROM usage_event_rows
  JOIN usage_names e ON e.id = email_id
  JOIN usage_names m ON m.id = model_id
  JOIN usage_names k ON k.id = kind_id;`,
};
