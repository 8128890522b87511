import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import { cursorQuery } from './cursor-query';
import { crossLinks, TAG } from './nav';
import { outcomeStat, prom, prop, stat, table, thresholds, timeseries, TABLE_UNIT } from './panels';
import { UID } from './refs';

// Exporter series carry Prometheus' own job/instance; joining on build_info keeps only exporter targets
// whatever the scrape job is called.
const EXPORTER = 'on (job, instance) group_left () cursor_exporter_build_info';

/** The exporter watching itself: is collection working, how fresh is the data, what does Cursor's API say. */
export function exporterHealth() {
  return new DashboardBuilder('Cursor: exporter health')
    .uid(UID.exporter)
    .description(
      'Collection success and data age, Cursor API calls, 429s and rate-limit waits, detection, and the cost of a scrape.',
    )
    .tags([TAG])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(crossLinks())

    .withPanel(
      outcomeStat(
        {
          title: 'Last collection',
          w: 4,
          h: 5,
          description:
            'Whether the last finished collection run fully succeeded (cursor_exporter_last_collect_success). A partial run (one collector failed) counts as no.',
        },
        'cursor_exporter_last_collect_success',
      ),
    )
    .withPanel(
      stat({
        title: 'Since last good collection',
        unit: 's',
        w: 5,
        h: 5,
        description:
          'Time since the last fully successful collection run finished (cursor_exporter_last_successful_collect_timestamp_seconds). Collections run every COLLECT_INTERVAL (1h by default).',
      })
        .withTarget(prom('time() - cursor_exporter_last_successful_collect_timestamp_seconds', 'age'))
        .thresholds(thresholds(2 * 3600, 6 * 3600)),
    )
    .withPanel(
      stat({
        title: 'Data age',
        unit: 's',
        w: 5,
        h: 5,
        description:
          'Age of the newest stored usage event at the last rebuild: how fresh the numbers are (cursor_exporter_newest_usage_event_age_seconds). Cursor reports usage up to an hour late.',
      })
        .withTarget(prom('cursor_exporter_newest_usage_event_age_seconds', 'newest event'))
        .thresholds(thresholds(3 * 3600, 6 * 3600)),
    )
    .withPanel(
      outcomeStat(
        {
          title: 'Last detection',
          w: 4,
          h: 5,
          description: 'Whether the last detection run succeeded (cursor_exporter_last_detection_success).',
        },
        'cursor_exporter_last_detection_success',
      ),
    )
    .withPanel(
      table({
        title: 'Usage API',
        unit: TABLE_UNIT,
        w: 6,
        h: 5,
        description:
          'The JSON API as the Grafana datasource sees it: auth, store and data freshness (usage API /health, what "Save & test" checks).',
      }).withTarget(cursorQuery('health')),
    )

    .withPanel(
      timeseries({
        title: 'Collection runs',
        unit: 'none',
        w: 12,
        h: 8,
        description:
          'Finished collection runs and those that failed, were partial or interrupted, per hour (cursor_exporter_collect_*runs_total).',
      })
        .withTarget(prom('increase(cursor_exporter_collect_runs_total[1h])', 'runs'))
        .withTarget(prom('increase(cursor_exporter_collect_failed_runs_total[1h])', 'failed or partial')),
    )
    .withPanel(
      timeseries({
        title: 'Run durations',
        unit: 's',
        w: 12,
        h: 8,
        description: 'Wall time of the last collection and detection runs (cursor_exporter_last_*_duration_seconds).',
      })
        .withTarget(prom('cursor_exporter_last_collect_duration_seconds', 'collection'))
        .withTarget(prom('cursor_exporter_last_detection_duration_seconds', 'detection')),
    )

    .withPanel(
      timeseries({
        title: 'Cursor API calls',
        unit: 'none',
        w: 12,
        h: 8,
        description:
          "Calls to Cursor's API per hour by endpoint and HTTP status; status 0 is a network error or timeout (cursor_exporter_api_calls_total).",
      }).withTarget(
        prom('sum by (endpoint, status) (increase(cursor_exporter_api_calls_total[1h]))', '{{endpoint}} {{status}}'),
      ),
    )
    .withPanel(
      timeseries({
        title: '429s and rate-limit waits',
        unit: 'none',
        w: 12,
        h: 8,
        description:
          'Responses with 429 Too Many Requests (should stay 0: the client paces itself to Cursor\'s documented limits) and waits for the rate limiter or a Retry-After, per hour (cursor_exporter_api_calls_total{status="429"}, cursor_exporter_rate_limit_waits_total).',
      })
        .withTarget(
          prom('sum(increase(cursor_exporter_api_calls_total{status="429"}[1h])) or vector(0)', '429 responses'),
        )
        .withTarget(prom('increase(cursor_exporter_rate_limit_waits_total[1h])', 'waits'))
        .withTarget(prom('increase(cursor_exporter_rate_limit_wait_seconds_total[1h])', 'seconds waited'))
        .overrideByQuery('C', [prop.unit('s'), prop.rightAxis()]),
    )

    .withPanel(
      table({
        title: 'Collectors',
        unit: TABLE_UNIT,
        w: 12,
        h: 9,
        description:
          "Each collector's outcome and wall time in the last run (cursor_exporter_collector_success, cursor_exporter_collector_duration_seconds).",
      })
        .withTarget(prom('cursor_exporter_collector_success', '', { table: true }))
        .withTarget(prom('cursor_exporter_collector_duration_seconds', '', { table: true }))
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true, __name__: true, job: true, instance: true },
            renameByName: { 'Value #A': 'succeeded', 'Value #B': 'duration' },
          },
        })
        .overrideByName('succeeded', [
          prop.unit('bool_yes_no'),
          prop.colorText(),
          {
            id: 'thresholds',
            value: {
              mode: 'absolute',
              steps: [
                { value: null, color: 'red' },
                { value: 1, color: 'green' },
              ],
            },
          },
        ])
        .overrideByName('duration', [prop.unit('s')]),
    )
    .withPanel(
      timeseries({
        title: 'Rows written',
        unit: 'none',
        w: 12,
        h: 9,
        description:
          'Rows written to the store per table by collection runs, per hour (cursor_exporter_rows_written_total).',
      }).withTarget(prom('sum by (table) (increase(cursor_exporter_rows_written_total[1h]))', '{{table}}')),
    )

    .withPanel(
      timeseries({
        title: 'Scrape cost',
        unit: 's',
        w: 12,
        h: 8,
        description:
          'How long Prometheus takes to scrape the exporter (scrape_duration_seconds) and the exposition refill time per family group (cursor_exporter_metrics_refill_duration_seconds). Scrapes serve a pre-built buffer, so they stay in milliseconds.',
      })
        .withTarget(prom(`scrape_duration_seconds * ${EXPORTER}`, 'scrape {{instance}}'))
        .withTarget(prom('cursor_exporter_metrics_refill_duration_seconds', 'refill {{family}}')),
    )
    .withPanel(
      timeseries({
        title: 'Series',
        unit: 'short',
        w: 12,
        h: 8,
        description:
          'Samples per scrape (scrape_samples_scraped), the per-user-per-model series against METRICS_MAX_SERIES, and users folded into user="other" beyond it (cursor_exporter_*series*).',
      })
        .withTarget(prom(`scrape_samples_scraped * ${EXPORTER}`, 'samples {{instance}}'))
        .withTarget(prom('cursor_exporter_user_model_series', 'user × model series'))
        .withTarget(prom('cursor_exporter_series_budget', 'budget'))
        .withTarget(prom('cursor_exporter_series_folded_users', 'folded users')),
    )

    .withPanel(
      table({
        title: 'Build',
        unit: TABLE_UNIT,
        w: 24,
        h: 4,
        description:
          'Exporter version and Node.js version of each scraped instance, and whether Prometheus reaches it (cursor_exporter_build_info, up).',
      })
        .withTarget(prom('cursor_exporter_build_info', '', { table: true }))
        .withTarget(prom(`up * ${EXPORTER}`, '', { table: true }))
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true, __name__: true, 'Value #A': true },
            renameByName: { 'Value #B': 'up' },
          },
        })
        .overrideByName('up', [prop.unit('bool_yes_no')]),
    );
}
