import type { Migration } from '../migrations';

/**
 * Covering (email, day, …) indexes for the per-member window aggregates of the JSON API (members
 * table, top spenders, user summary). Read by range seeks per member, each window row is visited
 * once and already grouped by email, so SQLite needs neither a table lookup nor a GROUP BY sort
 * (about 2× faster cold at 10,000 people × 90 days). They replace the plain (email, day) indexes,
 * which are their prefixes, so writers keep the same number of indexes to maintain.
 * The partial overage index holds only the few person-days with usage-based requests: plan
 * exhaustion reads it instead of every person-day of the cycle.
 */
export const apiMemberIndexes: Migration = {
  version: 7,
  name: 'api-member-indexes',
  sql: `
CREATE INDEX usage_user_daily_member ON usage_user_daily(email, day, charged_micro, requests, events, cache_read_tokens);
DROP INDEX usage_user_daily_email;
CREATE INDEX daily_usage_member ON daily_usage(email, day, is_active, agent_requests, lines_added, accepts, applies, most_used_model);
DROP INDEX daily_usage_email;
CREATE INDEX daily_usage_overage ON daily_usage(day, email, usage_based_reqs) WHERE usage_based_reqs > 0;
`,
};
