import type { Migration } from '../migrations';

/**
 * The API rollups (usage_user_daily, usage_team_daily; schema/003) are now kept by the writer of
 * usage_daily (store/usage-daily.ts) with one upsert per (day, person) and per (day, model) of a
 * window, instead of by triggers firing per usage_daily row (half the cost of the daily upserts
 * on the ingest path). The rollups are rebuilt from usage_daily, so a database written under the
 * triggers (or by anything that bypassed them) starts out exact.
 */
const sums = `SUM(events), SUM(requests), SUM(charged_micro),
  SUM(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens), SUM(cache_read_tokens)`;

function rebuild(table: string, key: string): string {
  return `
DROP TRIGGER ${table}_ins;
DROP TRIGGER ${table}_upd;
DROP TRIGGER ${table}_del;
DELETE FROM ${table};
INSERT INTO ${table} (${key}, events, requests, charged_micro, tokens, cache_read_tokens)
  SELECT ${key}, ${sums} FROM usage_daily GROUP BY ${key};`;
}

export const rollupsFromIngest: Migration = {
  version: 8,
  name: 'rollups-from-ingest',
  sql: `${rebuild('usage_team_daily', 'day, model')}
${rebuild('usage_user_daily', 'day, email')}
`,
};
