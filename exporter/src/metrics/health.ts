import type { FamilyFactory } from './types';

/**
 * The exporter's own health in node_exporter style: the last collection's outcome and timing, API
 * calls and rows written (summed from the runs table, so they survive restarts), data freshness and
 * detection timing. An upstream outage shows here while every other series keeps its last value.
 */
export const healthFamily: FamilyFactory = ({
  store: { runs: collections, usageEvents, findings },
  gauge: g,
  counter: c,
}) => {
  const success = g(
    'cursor_exporter_last_collect_success',
    'Whether the last finished collection run succeeded completely (1) or failed or was partial (0).',
  );
  const lastTs = g(
    'cursor_exporter_last_collect_timestamp_seconds',
    'When the last collection run finished (Unix seconds; 0 before the first run).',
  );
  const lastOkTs = g(
    'cursor_exporter_last_successful_collect_timestamp_seconds',
    'When the last fully successful collection run finished (Unix seconds; 0 if none).',
  );
  const duration = g(
    'cursor_exporter_last_collect_duration_seconds',
    'Wall time of the last finished collection run, in seconds.',
  );
  const runs = c('cursor_exporter_collect_runs_total', 'Finished collection runs.');
  const failedRuns = c(
    'cursor_exporter_collect_failed_runs_total',
    'Finished collection runs that failed or were partial.',
  );
  const apiCalls = c(
    'cursor_exporter_api_calls_total',
    'HTTP calls to the Cursor API by endpoint and status (0 = network error or timeout).',
    ['endpoint', 'status'],
  );
  const rowsWritten = c(
    'cursor_exporter_rows_written_total',
    'Rows written to the store by collection runs, by table.',
    ['table'],
  );
  const collectorOk = g(
    'cursor_exporter_collector_success',
    'Whether each collector succeeded in the last run of this process (1/0).',
    ['collector'],
  );
  const collectorDuration = g(
    'cursor_exporter_collector_duration_seconds',
    'Wall time of each collector in the last run of this process, in seconds.',
    ['collector'],
  );
  const rateWaits = c(
    'cursor_exporter_rate_limit_waits_total',
    'Times the Cursor client had to wait for its rate limiter or a Retry-After.',
  );
  const rateWaitSeconds = c(
    'cursor_exporter_rate_limit_wait_seconds_total',
    'Time the Cursor client spent waiting for its rate limiter or a Retry-After, in seconds.',
  );
  const newestEvent = g(
    'cursor_exporter_newest_usage_event_timestamp_seconds',
    'Timestamp of the newest stored usage event (Unix seconds; 0 if none).',
  );
  const eventAge = g(
    'cursor_exporter_newest_usage_event_age_seconds',
    'Age of the newest stored usage event when the metrics were last rebuilt, in seconds (data freshness; NaN if none).',
  );
  const detectOk = g(
    'cursor_exporter_last_detection_success',
    'Whether the last finished detection run succeeded (1/0).',
  );
  const detectTs = g(
    'cursor_exporter_last_detection_timestamp_seconds',
    'When the last detection run finished (Unix seconds; 0 before the first).',
  );
  const detectDuration = g(
    'cursor_exporter_last_detection_duration_seconds',
    'Wall time of the last finished detection run, in seconds.',
  );
  return {
    name: 'health',
    refill({ nowMs, collectors }) {
      const last = collections.lastFinished();
      success.set(last?.status === 'ok' ? 1 : 0);
      lastTs.set(last ? last.endedMs / 1000 : 0);
      duration.set(last ? (last.endedMs - last.startedMs) / 1000 : 0);
      const okMs = collections.lastOkEndedMs();
      lastOkTs.set(okMs === null ? 0 : okMs / 1000);

      const totals = collections.totals();
      runs.reset();
      runs.inc(totals.runs);
      failedRuns.reset();
      failedRuns.inc(totals.failed);
      apiCalls.reset();
      for (const r of totals.apiCalls) apiCalls.inc({ endpoint: r.endpoint, status: r.status }, r.n);
      rowsWritten.reset();
      for (const r of totals.rowsWritten) rowsWritten.inc({ table: r.table }, r.n);
      rateWaits.reset();
      rateWaits.inc(totals.rateLimitWaits);
      rateWaitSeconds.reset();
      rateWaitSeconds.inc(totals.rateLimitWaitMs / 1000);

      // Only the live run knows its collectors; keep the last report until the next one arrives.
      if (collectors) {
        collectorOk.reset();
        collectorDuration.reset();
        for (const [name, r] of Object.entries(collectors)) {
          collectorOk.set({ collector: name }, r.ok ? 1 : 0);
          collectorDuration.set({ collector: name }, r.durationMs / 1000);
        }
      }

      const newestMs = usageEvents.newestMs();
      newestEvent.set(newestMs === null ? 0 : newestMs / 1000);
      // NaN, not 0, when nothing was collected yet: 0 would read as perfectly fresh.
      eventAge.set(newestMs === null ? Number.NaN : Math.max(0, nowMs - newestMs) / 1000);

      const det = findings.lastFinishedRun();
      detectOk.set(det?.status === 'ok' ? 1 : 0);
      detectTs.set(det ? det.endedMs / 1000 : 0);
      detectDuration.set(det ? (det.endedMs - det.startedMs) / 1000 : 0);
    },
  };
};
