import type { Migration } from '../migrations';

/**
 * Rate-limit waits per collection run (client-side pacing plus Retry-After sleeps): how often the
 * collector had to wait and for how long, so /metrics can show whether the limits are tight.
 */
export const runWaits: Migration = {
  version: 4,
  name: 'run-waits',
  sql: `
ALTER TABLE collection_runs ADD COLUMN rate_limit_waits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE collection_runs ADD COLUMN rate_limit_wait_ms INTEGER NOT NULL DEFAULT 0;
`,
};
