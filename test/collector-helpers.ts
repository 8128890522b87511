import type { Db } from '../exporter/src/store/db';

/**
 * What a collection does not own: detection's runs, findings and incidents (a detection pass after
 * each run), the run log, the HTTP cache and settings. Everything else is data and is compared.
 */
const NOT_COLLECTED = new Set([
  'sqlite_sequence',
  'collection_runs',
  'detection_runs',
  'detection_outputs',
  'findings',
  'signals',
  'incidents',
  'incident_events',
  'notifications',
  'http_etags',
  'meta',
  'settings',
]);
/** Kept by number (schema/022), whichever a run met first: compared by name through the view usage_events. */
const BY_NUMBER = new Set(['usage_event_rows', 'usage_names']);
/** Columns that record when we collected, not what. */
const WHEN_COLLECTED = new Set(['updated_ms', 'first_seen_ms', 'last_seen_ms', 'collected_ms']);

/**
 * A canonical dump of every data table — raw events, their rollups and as-of totals, members,
 * spend, groups, analytics, watermarks — found in the schema itself, so a table a migration adds is
 * compared without being listed here. Collection timestamps are left out. REAL sums
 * (usage_daily.requests) depend on the order of additions, which differs when a run is split by a
 * crash, so fractions are compared to 1e-6; money and counts are integers and compared exactly.
 */
export function dumpData(db: Db): Record<string, unknown[]> {
  const exact = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e6) / 1e6 : v);
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
    .pluck()
    .all() as string[];
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    if (NOT_COLLECTED.has(table) || BY_NUMBER.has(table)) continue;
    const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).filter(
      (c) => !WHEN_COLLECTED.has(c),
    );
    const list = columns.map((c) => `"${c}"`).join(', ');
    out[table] = (db.prepare(`SELECT ${list} FROM "${table}" ORDER BY ${list}`).raw().all() as unknown[][]).map((row) =>
      row.map(exact),
    );
  }
  return out;
}
