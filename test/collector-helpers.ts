import type { Db } from '../exporter/src/store/db';

/**
 * A canonical dump of every data table, for "same database content" comparisons. Columns that
 * record when we collected (not what) are left out. REAL sums (usage_daily.requests) depend on the
 * order of additions, which differs when a run is split by a crash, so fractions are compared to
 * 1e-6; money and counts are integers and compared exactly.
 */
export function dumpData(db: Db): Record<string, unknown[]> {
  const exact = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e6) / 1e6 : v);
  const q = (sql: string) => (db.prepare(sql).raw().all() as unknown[][]).map((row) => row.map(exact));
  return {
    usage_events: q('SELECT * FROM usage_events ORDER BY ts_ms, event_hash'),
    usage_daily: q('SELECT * FROM usage_daily ORDER BY day, email, model'),
    daily_usage: q('SELECT * FROM daily_usage ORDER BY day, email'),
    watermarks: q('SELECT stream, value_ms FROM watermarks ORDER BY stream'),
    members: q('SELECT email, user_id, name, role, is_removed FROM members ORDER BY email'),
    spend_snapshots: q(`SELECT cycle_start_ms, email, user_id, total_micro, on_demand_micro, included_micro,
      monthly_limit_dollars, hard_limit_override_dollars, effective_limit_dollars FROM spend_snapshots ORDER BY 1, 2`),
    billing_groups: q('SELECT id, name, type, source, cycle_spend_micro FROM billing_groups ORDER BY id'),
    group_members: q('SELECT * FROM group_members ORDER BY email'),
    analytics_rows: q('SELECT * FROM analytics_rows ORDER BY endpoint, day, key'),
  };
}
