import type { Migration } from '../migrations';

/**
 * Detection, incidents and notifications. Detection is kept apart from notification: `findings` holds
 * every finding of every run (notify = 0 ones too), while `incidents` holds only alertable conditions
 * and their lifecycle. Money in findings/incidents is in US dollars like the Finding contract
 * (detect/types.ts); instants are epoch ms.
 */
export const detection: Migration = {
  version: 5,
  name: 'detection',
  sql: `
-- Thresholds and other operator settings, one JSON document per key ('detection' today).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);

CREATE TABLE detection_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  as_of_ms INTEGER NOT NULL,                      -- the "now" detection ran for (backtests use past values)
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  status TEXT NOT NULL DEFAULT 'running',         -- running | ok | failed
  findings INTEGER NOT NULL DEFAULT 0,
  notifiable INTEGER NOT NULL DEFAULT 0,
  opened INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  resolved INTEGER NOT NULL DEFAULT 0,
  open_after INTEGER NOT NULL DEFAULT 0,
  error TEXT
);

CREATE TABLE findings (
  run_id INTEGER NOT NULL REFERENCES detection_runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  key TEXT NOT NULL,
  detector TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject TEXT NOT NULL,                          -- user | group | team
  email TEXT,
  group_id TEXT,
  group_name TEXT,
  models TEXT NOT NULL DEFAULT '[]',              -- JSON array, most expensive first
  day TEXT NOT NULL,
  value REAL NOT NULL,
  baseline REAL,
  threshold REAL NOT NULL,
  unit TEXT NOT NULL,
  notify INTEGER NOT NULL,
  onset_ms INTEGER NOT NULL,
  message TEXT NOT NULL,
  incident_id INTEGER,                            -- the incident this finding opened or kept open
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE INDEX findings_key ON findings(key, run_id);
CREATE INDEX findings_email ON findings(email, run_id);

-- Latest reading per detector and subject (replaced every run), for gauges of "distance to threshold".
CREATE TABLE signals (
  detector TEXT NOT NULL,
  subject_key TEXT NOT NULL,                      -- email, group id or 'team'
  email TEXT,
  group_id TEXT,
  value REAL NOT NULL,
  threshold REAL NOT NULL,
  run_id INTEGER NOT NULL,
  PRIMARY KEY (detector, subject_key)
) WITHOUT ROWID;

-- Latest forecasts / burn rates / savings of the last successful run, as JSON (replaced every run).
CREATE TABLE detection_outputs (
  kind TEXT PRIMARY KEY,                          -- forecasts | burn | savings
  run_id INTEGER NOT NULL,
  value TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  detector TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject TEXT NOT NULL,
  email TEXT,
  group_id TEXT,
  group_name TEXT,
  models TEXT NOT NULL DEFAULT '[]',
  day TEXT NOT NULL,                              -- data day of the latest finding
  message TEXT NOT NULL,
  value REAL NOT NULL,
  baseline REAL,
  threshold REAL NOT NULL,
  unit TEXT NOT NULL,
  status TEXT NOT NULL,                           -- detected | alerted | acknowledged | resolved
  onset_ms INTEGER NOT NULL,                      -- condition appeared in the data
  detected_ms INTEGER NOT NULL,                   -- the run that opened the incident
  alerted_ms INTEGER,                             -- Alertmanager notified (webhook)
  acknowledged_ms INTEGER,
  acknowledged_by TEXT,                           -- api | silence:<id>
  resolved_ms INTEGER,
  resolved_by TEXT,                               -- auto | api
  alert_labels TEXT,                              -- JSON labels of the Alertmanager alert that first notified
  clear_runs INTEGER NOT NULL DEFAULT 0,          -- consecutive runs without the condition
  first_run INTEGER NOT NULL,
  last_seen_run INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
-- The dedup rule in the schema itself: at most one unresolved incident per key.
CREATE UNIQUE INDEX incidents_open_key ON incidents(key) WHERE status <> 'resolved';
CREATE INDEX incidents_detected ON incidents(detected_ms);
CREATE INDEX incidents_status ON incidents(status);

CREATE TABLE incident_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,                             -- opened | escalated | alerted | acknowledged | resolved | am_resolved
  from_status TEXT,
  to_status TEXT,
  actor TEXT NOT NULL,                            -- detection | api | alertmanager | silence:<id>
  detail TEXT                                     -- JSON
);
CREATE INDEX incident_events_incident ON incident_events(incident_id, at_ms);

-- Digests that were delivered, so each goes once per period (recorded only after a successful post).
CREATE TABLE notifications (
  kind TEXT NOT NULL,                             -- plan_exhaustion | cycle_summary
  period TEXT NOT NULL,                           -- UTC day for daily digests, cycle start day for cycle ones
  channel TEXT NOT NULL,                          -- slack
  sent_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  PRIMARY KEY (kind, period, channel)
);
`,
};
