import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TextPanel } from '@grafana/grafana-foundation-sdk/text';
import { cursorQuery } from './cursor-query';
import { crossLinks, TAG } from './nav';
import {
  barGauge,
  link,
  mapping,
  prom,
  prop,
  severityColors,
  stat,
  table,
  thresholds,
  timeseries,
  TABLE_UNIT,
} from './panels';
import { CURSOR, dashboardUrl, UID } from './refs';
import { listVariable, pluginVariable, userVariable } from './variables';

const filters = { status: '$status', detector: '$detector', user: '$user', severity: '$severity' } as const;

const BACKTEST = `Replay proposed detection settings over past data before changing them: the exporter answers with
the alerts the proposal would have raised next to those the current settings raise.

\`\`\`sh
curl -s -X POST -H "Authorization: Bearer $API_TOKEN" -H 'Content-Type: application/json' \\
  "http://localhost:9464/api/v1/settings/backtest" \\
  -d '{"from": "2026-11-01", "to": "2026-11-30", "settings": {"zscoreMultiplier": 3}}'
\`\`\`

The request body is documented at [/docs](http://localhost:9464/docs) (\`POST /settings/backtest\`);
apply a proposal with \`PATCH /api/v1/settings\`. The table beside this shows how close each subject
is to firing with the settings in force.`;

/** Anomalies and incidents: the reference product's /anomalies page, plus MTTx trends and a backtest. */
export function anomalies() {
  return new DashboardBuilder('Cursor: anomalies and incidents')
    .uid(UID.anomalies)
    .description(
      'Open anomalies with their evidence, the incident timeline, mean time to detect, acknowledge and resolve, and how close each subject is to firing.',
    )
    .tags([TAG])
    .time({ from: 'now-30d', to: 'now' })
    .refresh('5m')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(crossLinks())
    .withVariable(
      listVariable(
        'status',
        'Status',
        ['open', 'detected', 'alerted', 'acknowledged', 'resolved'],
        '"open" (the default) is every status but resolved; All includes resolved ones.',
        'open',
      ),
    )
    .withVariable(
      pluginVariable('detector', 'Detector', 'detectors', {
        all: true,
        description: 'The detector that raised the anomaly.',
      }),
    )
    .withVariable(listVariable('severity', 'Severity', ['critical', 'warning', 'info'], 'Severity of the anomaly.'))
    .withVariable(userVariable(true))
    .annotation(
      new AnnotationQueryBuilder()
        .name('Incidents')
        .datasource(CURSOR)
        .enable(true)
        .iconColor('orange')
        .target(cursorQuery('incidents', { ...filters, limit: 500 })),
    )

    .withPanel(
      stat({
        title: 'Open anomalies',
        unit: 'none',
        w: 4,
        h: 5,
        description: 'Unresolved incidents now (sum of cursor_anomaly_open). Red when any is open.',
      })
        .withTarget(prom('sum(cursor_anomaly_open) or vector(0)', 'open'))
        .thresholds(thresholds(1))
        .colorMode(common.BigValueColorMode.Background),
    )
    .withPanel(
      stat({
        title: 'Open by severity',
        unit: 'none',
        w: 5,
        h: 5,
        description: 'Open incidents per severity (cursor_anomaly_open by severity).',
      })
        .withTarget(prom('sum by (severity) (detector_severity:cursor_anomaly_open:sum)', '{{severity}}'))
        .textMode(common.BigValueTextMode.ValueAndName),
    )
    .withPanel(
      stat({
        title: 'Incidents opened',
        unit: 'none',
        w: 5,
        h: 5,
        description:
          'Incidents opened in the last 30 days by the detectors (increase of cursor_incidents_opened_total; limited by Prometheus retention).',
      }).withTarget(prom('sum(increase(cursor_incidents_opened_total[30d]))', 'opened')),
    )
    .withPanel(
      stat({
        title: 'MTTD / MTTI / MTTR',
        unit: 's',
        w: 10,
        h: 5,
        description:
          'Mean time from onset in the data to the alert (detect), from the alert to acknowledgement (acknowledge), and from onset to resolution (resolve), over incidents detected in the last 30 days (cursor_incident_mtt*_seconds). Empty until an incident has both stamps.',
      })
        .withTarget(prom('cursor_incident_mttd_seconds', 'MTTD'))
        .withTarget(prom('cursor_incident_mtti_seconds', 'MTTI'))
        .withTarget(prom('cursor_incident_mttr_seconds', 'MTTR'))
        .textMode(common.BigValueTextMode.ValueAndName)
        .mappings([mapping.nan('none yet')]),
    )

    .withPanel(
      table({
        title: 'Anomalies ($status)',
        unit: TABLE_UNIT,
        w: 24,
        h: 11,
        description:
          'Anomalies and their incidents in the range, newest first: detector, severity, status, who and which group and models, the evidence sentence, value against threshold, and the detected / alerted / acknowledged / resolved stamps (usage API /incidents). Click a member for the drilldown.',
      })
        .withTarget(cursorQuery('incidents', { ...filters, limit: 500 }))
        .overrideByName('email', [prop.userLink()])
        .overrideByName('severity', [prop.colorText(), { id: 'mappings', value: [severityColors] }])
        .overrideByName('message', [prop.width(480)])
        .overrideByName('id', [prop.width(60)]),
    )

    .withPanel(
      timeseries({
        title: 'Incident timeline',
        unit: 'none',
        w: 16,
        h: 9,
        description:
          'Open incidents per detector over time (cursor_anomaly_open); the shaded regions are incidents from onset to resolution (usage API annotations), history beyond Prometheus retention included.',
      })
        .withTarget(prom('sum by (detector) (detector_severity:cursor_anomaly_open:sum)', '{{detector}}'))
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .lineInterpolation(common.LineInterpolation.StepAfter)
        .fillOpacity(40),
    )
    .withPanel(
      table({
        title: 'MTTx by detector',
        unit: TABLE_UNIT,
        w: 8,
        h: 9,
        description:
          'Incidents detected in the range and their mean time to detect, acknowledge and resolve in minutes, overall ("all") and per detector (usage API /incidents/mttx).',
      })
        .withTarget(cursorQuery('mttx'))
        .links([link('Exporter health (detection runs)', dashboardUrl(UID.exporter))]),
    )

    .withPanel(
      barGauge({
        title: 'Distance to firing',
        unit: 'percentunit',
        w: 12,
        h: 11,
        description:
          "Each detector's latest reading over its threshold per subject (the recording rule detector_subject:cursor_detector_signal:ratio_threshold = cursor_detector_signal / cursor_detector_threshold); 100% fires. Subjects below 50% are not exported.",
      })
        .withTarget(
          prom(
            'topk(15, detector_subject:cursor_detector_signal:ratio_threshold)',
            '{{detector}} {{subject}} {{user}}{{group}}',
            { instant: true },
          ),
        )
        .thresholds(thresholds(0.8, 1))
        .min(0)
        .max(1.5),
    )
    .withPanel(
      new TextPanel()
        .title('Alert backtest')
        .description(
          'How to replay proposed detection settings over past data (POST /api/v1/settings/backtest) before applying them.',
        )
        .span(12)
        .height(11)
        .content(BACKTEST),
    )

    .withPanel(
      timeseries({
        title: 'Mean time to detect, acknowledge, resolve',
        unit: 's',
        w: 24,
        h: 8,
        description: 'MTTD, MTTI and MTTR over time, each a 30-day mean at that moment (cursor_incident_mtt*_seconds).',
      })
        .withTarget(prom('cursor_incident_mttd_seconds', 'MTTD'))
        .withTarget(prom('cursor_incident_mtti_seconds', 'MTTI'))
        .withTarget(prom('cursor_incident_mttr_seconds', 'MTTR')),
    )

    .withPanel(
      table({
        title: 'Cycle-end forecasts',
        unit: TABLE_UNIT,
        w: 24,
        h: 10,
        description:
          'Spend to date, the projected cycle total with its range, the daily rate and when the included plan runs out, for the team, each group and each member (usage API /tables/forecasts). Click a member for the drilldown.',
      })
        .withTarget(cursorQuery('forecasts', { limit: 100 }))
        .overrideByName('email', [prop.userLink()])
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('forecast_usd').desc(true)]),
    );
}
