import type { FamilyFactory } from './types';

interface RunRow {
  status: string;
  startedMs: number;
  endedMs: number;
}

/**
 * The exporter's own health in node_exporter style: the last collection's outcome and timing, API
 * calls and rows written (summed from the runs table, so they survive restarts), data freshness and
 * detection timing. An upstream outage shows here while every other series keeps its last value.
 */
export const healthFamily: FamilyFactory = ({ db, gauge: g, counter: c }) => {
  const success = g('cursor_exporter_last_collect_success', 'Whether the last finished collection run succeeded completely (1) or failed or was partial (0).');
  const lastTs = g('cursor_exporter_last_collect_timestamp_seconds', 'When the last collection run finished (Unix seconds; 0 before the first run).');
  const lastOkTs = g('cursor_exporter_last_successful_collect_timestamp_seconds', 'When the last fully successful collection run finished (Unix seconds; 0 if none).');
  const duration = g('cursor_exporter_last_collect_duration_seconds', 'Wall time of the last finished collection run, in seconds.');
  const runs = c('cursor_exporter_collect_runs_total', 'Finished collection runs.');
  const failedRuns = c('cursor_exporter_collect_failed_runs_total', 'Finished collection runs that failed or were partial.');
  const apiCalls = c('cursor_exporter_api_calls_total', 'HTTP calls to the Cursor API by endpoint and status (0 = network error or timeout).', ['endpoint', 'status']);
  const rowsWritten = c('cursor_exporter_rows_written_total', 'Rows written to the store by collection runs, by table.', ['table']);
  const collectorOk = g('cursor_exporter_collector_success', 'Whether each collector succeeded in the last run of this process (1/0).', ['collector']);
  const collectorDuration = g('cursor_exporter_collector_duration_seconds', 'Wall time of each collector in the last run of this process, in seconds.', ['collector']);
  const rateWaits = c('cursor_exporter_rate_limit_waits_total', 'Times the Cursor client had to wait for its rate limiter or a Retry-After.');
  const rateWaitSeconds = c('cursor_exporter_rate_limit_wait_seconds_total', 'Time the Cursor client spent waiting for its rate limiter or a Retry-After, in seconds.');
  const newestEvent = g('cursor_exporter_newest_usage_event_timestamp_seconds', 'Timestamp of the newest stored usage event (Unix seconds; 0 if none).');
  const eventAge = g('cursor_exporter_newest_usage_event_age_seconds', 'Age of the newest stored usage event when the metrics were last rebuilt, in seconds (data freshness; NaN if none).');
  const detectOk = g('cursor_exporter_last_detection_success', 'Whether the last finished detection run succeeded (1/0).');
  const detectTs = g('cursor_exporter_last_detection_timestamp_seconds', 'When the last detection run finished (Unix seconds; 0 before the first).');
  const detectDuration = g('cursor_exporter_last_detection_duration_seconds', 'Wall time of the last finished detection run, in seconds.');
  return {
    name: 'health',
    refill({ nowMs, collectors }) {
      const last = db
        .prepare(
          `SELECT status, started_ms AS startedMs, ended_ms AS endedMs FROM collection_runs
            WHERE status IN ('ok', 'partial', 'failed') ORDER BY id DESC LIMIT 1`,
        )
        .get() as RunRow | undefined;
      success.set(last?.status === 'ok' ? 1 : 0);
      lastTs.set(last ? last.endedMs / 1000 : 0);
      duration.set(last ? (last.endedMs - last.startedMs) / 1000 : 0);
      const ok = db.prepare(`SELECT MAX(ended_ms) AS ms FROM collection_runs WHERE status = 'ok'`).get() as { ms: number | null };
      lastOkTs.set(ok.ms === null ? 0 : ok.ms / 1000);

      const counts = db
        .prepare(`SELECT COUNT(*) AS runs, COALESCE(SUM(status <> 'ok'), 0) AS failed FROM collection_runs WHERE ended_ms IS NOT NULL`)
        .get() as { runs: number; failed: number };
      runs.reset();
      runs.inc(counts.runs);
      failedRuns.reset();
      failedRuns.inc(counts.failed);

      apiCalls.reset();
      for (const r of db
        .prepare(
          `SELECT e.key AS endpoint, s.key AS status, SUM(s.value) AS n
             FROM collection_runs r, json_each(r.api_calls) e, json_each(e.value) s GROUP BY 1, 2`,
        )
        .all() as { endpoint: string; status: string; n: number }[]) {
        apiCalls.inc({ endpoint: r.endpoint, status: r.status }, r.n);
      }
      rowsWritten.reset();
      for (const r of db
        .prepare('SELECT j.key AS tbl, SUM(j.value) AS n FROM collection_runs r, json_each(r.rows_written) j GROUP BY 1')
        .all() as { tbl: string; n: number }[]) {
        rowsWritten.inc({ table: r.tbl }, r.n);
      }

      const waits = db
        .prepare('SELECT COALESCE(SUM(rate_limit_waits), 0) AS n, COALESCE(SUM(rate_limit_wait_ms), 0) AS ms FROM collection_runs')
        .get() as { n: number; ms: number };
      rateWaits.reset();
      rateWaits.inc(waits.n);
      rateWaitSeconds.reset();
      rateWaitSeconds.inc(waits.ms / 1000);

      // Only the live run knows its collectors; keep the last report until the next one arrives.
      if (collectors) {
        collectorOk.reset();
        collectorDuration.reset();
        for (const [name, r] of Object.entries(collectors)) {
          collectorOk.set({ collector: name }, r.ok ? 1 : 0);
          collectorDuration.set({ collector: name }, r.durationMs / 1000);
        }
      }

      const newest = db.prepare('SELECT MAX(ts_ms) AS ms FROM usage_events').get() as { ms: number | null };
      newestEvent.set(newest.ms === null ? 0 : newest.ms / 1000);
      // NaN, not 0, when nothing was collected yet: 0 would read as perfectly fresh.
      eventAge.set(newest.ms === null ? Number.NaN : Math.max(0, nowMs - newest.ms) / 1000);

      const det = db
        .prepare(
          `SELECT status, started_ms AS startedMs, ended_ms AS endedMs FROM detection_runs
            WHERE ended_ms IS NOT NULL ORDER BY id DESC LIMIT 1`,
        )
        .get() as RunRow | undefined;
      detectOk.set(det?.status === 'ok' ? 1 : 0);
      detectTs.set(det ? det.endedMs / 1000 : 0);
      detectDuration.set(det ? (det.endedMs - det.startedMs) / 1000 : 0);
    },
  };
};
