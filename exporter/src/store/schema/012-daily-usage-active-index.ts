import type { Migration } from '../migrations';

/**
 * The members table's activity walk (queries/members.ts) reads each member's active days of the
 * window. daily_usage_member (schema/007) holds every person-day, a quarter of them inactive at
 * 10,000 people; this partial index holds only active days, so the walk and its most-used-model
 * grouping read fewer, narrower entries (activity about 115 → 88 ms cold at 10,000 people × 31 days).
 */
export const dailyUsageActiveIndex: Migration = {
  version: 12,
  name: 'daily-usage-active-index',
  sql: `CREATE INDEX daily_usage_active ON daily_usage(email, day, agent_requests, lines_added, accepts, applies, most_used_model)
  WHERE is_active = 1;`,
};
