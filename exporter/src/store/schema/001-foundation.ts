import type { Migration } from '../migrations';

export const foundation: Migration = {
  version: 1,
  name: 'foundation',
  sql: `
CREATE TABLE members (
  email TEXT PRIMARY KEY,
  user_id TEXT,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  is_removed INTEGER NOT NULL DEFAULT 0,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
);

CREATE TABLE billing_groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'BILLING',
  directory_group_id TEXT,
  source TEXT NOT NULL DEFAULT 'cursor',          -- cursor | local (created here, never pushed upstream)
  cycle_spend_micro INTEGER NOT NULL DEFAULT 0,
  updated_ms INTEGER NOT NULL
);

-- One group per person (Cursor's rule); history of moves is not rewritten.
CREATE TABLE group_members (
  email TEXT PRIMARY KEY,
  group_id TEXT NOT NULL REFERENCES billing_groups(id),
  joined_ms INTEGER,
  source TEXT NOT NULL DEFAULT 'cursor'
);
CREATE INDEX group_members_group ON group_members(group_id);

CREATE TABLE billing_cycles (
  start_ms INTEGER PRIMARY KEY,
  end_ms INTEGER NOT NULL
);

CREATE TABLE spend_snapshots (
  cycle_start_ms INTEGER NOT NULL,
  email TEXT NOT NULL,
  user_id TEXT,
  total_micro INTEGER NOT NULL,
  on_demand_micro INTEGER NOT NULL,
  included_micro INTEGER NOT NULL,
  fast_premium_requests REAL NOT NULL DEFAULT 0,
  monthly_limit_dollars REAL,
  hard_limit_override_dollars REAL NOT NULL DEFAULT 0,
  effective_limit_dollars REAL,
  collected_ms INTEGER NOT NULL,
  PRIMARY KEY (cycle_start_ms, email)
);

CREATE TABLE daily_usage (
  day TEXT NOT NULL,
  email TEXT NOT NULL,
  user_id TEXT,
  is_active INTEGER NOT NULL,
  lines_added INTEGER NOT NULL DEFAULT 0,
  lines_deleted INTEGER NOT NULL DEFAULT 0,
  accepted_lines_added INTEGER NOT NULL DEFAULT 0,
  accepted_lines_deleted INTEGER NOT NULL DEFAULT 0,
  applies INTEGER NOT NULL DEFAULT 0,
  accepts INTEGER NOT NULL DEFAULT 0,
  rejects INTEGER NOT NULL DEFAULT 0,
  tabs_shown INTEGER NOT NULL DEFAULT 0,
  tabs_accepted INTEGER NOT NULL DEFAULT 0,
  composer_requests INTEGER NOT NULL DEFAULT 0,
  chat_requests INTEGER NOT NULL DEFAULT 0,
  agent_requests INTEGER NOT NULL DEFAULT 0,
  cmdk_usages INTEGER NOT NULL DEFAULT 0,
  subscription_included_reqs INTEGER NOT NULL DEFAULT 0,
  api_key_reqs INTEGER NOT NULL DEFAULT 0,
  usage_based_reqs INTEGER NOT NULL DEFAULT 0,
  bugbot_usages INTEGER NOT NULL DEFAULT 0,
  most_used_model TEXT,
  apply_most_used_extension TEXT,
  tab_most_used_extension TEXT,
  client_version TEXT,
  PRIMARY KEY (day, email)
);
CREATE INDEX daily_usage_email ON daily_usage(email, day);

-- Usage events have no upstream id. The natural key is (ts_ms, event_hash): event_hash is a 53-bit
-- hash of every field of the event plus its ordinal among identical events in the same millisecond
-- (see store/event-key.ts), so overlapping windows and re-runs map each event to the same key.
-- Leading with ts_ms keeps inserts local in the B-tree; there is deliberately no secondary index
-- (an (email, ts) index made ingest 7x slower): readers use time ranges or usage_daily.
CREATE TABLE usage_events (
  ts_ms INTEGER NOT NULL,
  event_hash INTEGER NOT NULL,
  day TEXT NOT NULL,
  email TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL,
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

-- Pre-aggregated from usage_events in the same transaction as each insert: every dashboard,
-- detector and metric reads this, never the events table.
CREATE TABLE usage_daily (
  day TEXT NOT NULL,
  email TEXT NOT NULL,
  model TEXT NOT NULL,
  events INTEGER NOT NULL DEFAULT 0,
  requests REAL NOT NULL DEFAULT 0,               -- Σ requestsCosts (billable request units)
  charged_micro INTEGER NOT NULL DEFAULT 0,       -- Σ chargedCents (what the bill says)
  chargeable_micro INTEGER NOT NULL DEFAULT 0,    -- Σ chargedCents of isChargeable events
  token_micro INTEGER NOT NULL DEFAULT 0,
  included_events INTEGER NOT NULL DEFAULT 0,     -- kind LIKE 'Included%'
  usage_based_events INTEGER NOT NULL DEFAULT 0,  -- kind = 'Usage-based'
  errored_events INTEGER NOT NULL DEFAULT 0,      -- kind LIKE 'Errored%'
  headless_events INTEGER NOT NULL DEFAULT 0,
  max_mode_events INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, email, model)
) WITHOUT ROWID;
CREATE INDEX usage_daily_email ON usage_daily(email, day);

CREATE TABLE analytics_rows (
  endpoint TEXT NOT NULL,
  day TEXT NOT NULL,
  key TEXT NOT NULL,
  data TEXT NOT NULL,                             -- JSON object of numeric fields
  PRIMARY KEY (endpoint, day, key)
) WITHOUT ROWID;

CREATE TABLE http_etags (
  url TEXT PRIMARY KEY,
  etag TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);

CREATE TABLE watermarks (
  stream TEXT PRIMARY KEY,                        -- usage_events, daily_usage, analytics:<endpoint>
  value_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);

CREATE TABLE collection_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,                             -- collect | backfill
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  status TEXT NOT NULL DEFAULT 'running',         -- running | ok | partial | failed (running after a crash = interrupted)
  api_calls TEXT NOT NULL DEFAULT '{}',           -- JSON {endpoint: {status: count}}
  rows_written TEXT NOT NULL DEFAULT '{}',        -- JSON {table: count}
  errors TEXT NOT NULL DEFAULT '[]'               -- JSON [{step, message}]
);

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
`,
};
