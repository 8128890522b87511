import type { DailyUsageRow } from '../domain/records';
import type { Db } from './db';

const COLUMNS = [
  'day',
  'email',
  'user_id',
  'is_active',
  'lines_added',
  'lines_deleted',
  'accepted_lines_added',
  'accepted_lines_deleted',
  'applies',
  'accepts',
  'rejects',
  'tabs_shown',
  'tabs_accepted',
  'composer_requests',
  'chat_requests',
  'agent_requests',
  'cmdk_usages',
  'subscription_included_reqs',
  'api_key_reqs',
  'usage_based_reqs',
  'bugbot_usages',
  'most_used_model',
  'apply_most_used_extension',
  'tab_most_used_extension',
  'client_version',
];

// A row Cursor sends again unchanged (every run re-reads the last few days) is left alone: no
// rewrite, and its day's activity pack stays (the triggers of schema/018 drop it on a change).
const SQL = `INSERT INTO daily_usage (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(day, email) DO UPDATE SET ${COLUMNS.slice(2)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}
  WHERE (${COLUMNS.slice(2).join(', ')}) IS NOT (${COLUMNS.slice(2)
    .map((c) => `excluded.${c}`)
    .join(', ')})`;

/** Cursor's per-person daily activity (daily_usage). */
export class DailyUsageRepo {
  constructor(private readonly db: Db) {}

  /** Upserts one row per (day, email); Cursor's later answer for a day replaces the earlier one. */
  upsert(rows: DailyUsageRow[]): number {
    const stmt = this.db.prepare(SQL);
    this.db.transaction(() => {
      for (const r of rows) {
        stmt.run(
          r.day,
          r.email,
          r.userId,
          r.isActive ? 1 : 0,
          r.linesAdded,
          r.linesDeleted,
          r.acceptedLinesAdded,
          r.acceptedLinesDeleted,
          r.applies,
          r.accepts,
          r.rejects,
          r.tabsShown,
          r.tabsAccepted,
          r.composerRequests,
          r.chatRequests,
          r.agentRequests,
          r.cmdkUsages,
          r.subscriptionIncludedReqs,
          r.apiKeyReqs,
          r.usageBasedReqs,
          r.bugbotUsages,
          r.mostUsedModel,
          r.applyMostUsedExtension,
          r.tabMostUsedExtension,
          r.clientVersion,
        );
      }
    })();
    return rows.length;
  }
}
