/**
 * Picks the smallest table that can answer a usage question. usage_team_daily (day, model) and
 * usage_user_daily (day, email) are rollups of usage_daily kept in step by its only writer,
 * store/usage-daily.ts; usage_daily has both dimensions and is only used when a query needs a person
 * AND a model.
 */
export interface UsageSource {
  table: string;
  spend: string;
  requests: string;
  tokens: string;
  events: string;
  cacheRead: string;
}

const rollup = (table: string): UsageSource => ({
  table,
  spend: 'SUM(charged_micro)',
  requests: 'SUM(requests)',
  tokens: 'SUM(tokens)',
  events: 'SUM(events)',
  cacheRead: 'SUM(cache_read_tokens)',
});

const detailed: UsageSource = {
  table: 'usage_daily',
  spend: 'SUM(charged_micro)',
  requests: 'SUM(requests)',
  tokens: 'SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens)',
  events: 'SUM(events)',
  cacheRead: 'SUM(cache_read_tokens)',
};

/**
 * Per (day, billing group) sums (store/usage-daily.ts, schema/011), for questions about whole groups
 * with no person or model filter. Rows with rows = 0 are groups whose people all moved away: read
 * them WHERE rows > 0, as a join of usage_user_daily to group_members would not see them.
 */
export const groupUsage: UsageSource = rollup('usage_group_daily');

export function usageSource(needs: { model: boolean; email: boolean }): UsageSource {
  if (needs.model && needs.email) return detailed;
  if (needs.email) return rollup('usage_user_daily');
  return rollup('usage_team_daily');
}
