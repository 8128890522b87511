import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { cursorQuery } from './cursor-query';
import { crossLinks, TAG } from './nav';
import {
  barChart,
  dailyBars,
  link,
  pieChart,
  prom,
  prop,
  severityColors,
  stat,
  table,
  timeseries,
  TABLE_UNIT,
} from './panels';
import { CURSOR, dashboardUrl, UID } from './refs';
import { userVariable } from './variables';

const me = { user: '$user' };

/** One member: the reference product's /users/[email] page, with the member's anomalies on every chart. */
export function userDrilldown() {
  return new DashboardBuilder('Cursor: member drilldown')
    .uid(UID.user)
    .description(
      "One member's spend, tokens, models, cost per request against the team, features, daily activity and anomaly history.",
    )
    .tags([TAG])
    .time({ from: 'now-30d', to: 'now' })
    .refresh('15m')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(crossLinks())
    .withVariable(userVariable(false))
    .annotation(
      new AnnotationQueryBuilder()
        .name('Anomalies')
        .datasource(CURSOR)
        .enable(true)
        .iconColor('red')
        .target(cursorQuery('incidents', { user: '$user', limit: 200 })),
    )

    .withPanel(
      stat({
        title: 'Cycle spend',
        unit: 'currencyUSD',
        w: 4,
        h: 5,
        description: "The member's spend this billing cycle, included plus on-demand (cursor_user_cycle_spend_usd).",
      })
        .withTarget(prom('sum(cursor_user_cycle_spend_usd{user="$user"})', 'this cycle'))
        .withTarget(prom('sum(cursor_user_cycle_on_demand_spend_usd{user="$user"})', 'on-demand'))
        .textMode(common.BigValueTextMode.ValueAndName),
    )
    .withPanel(
      stat({
        title: 'Cycle-end forecast',
        unit: 'currencyUSD',
        w: 5,
        h: 5,
        description:
          'Projected cycle total for the member with its low–high range (cursor_forecast_cycle_spend_*_usd{subject="user"}). Empty for members without recent activity.',
      })
        .withTarget(prom('cursor_forecast_cycle_spend_usd{subject="user",user="$user"}', 'forecast'))
        .withTarget(prom('cursor_forecast_cycle_spend_low_usd{subject="user",user="$user"}', 'low'))
        .withTarget(prom('cursor_forecast_cycle_spend_high_usd{subject="user",user="$user"}', 'high'))
        .textMode(common.BigValueTextMode.ValueAndName),
    )
    .withPanel(
      stat({
        title: 'Member profile',
        unit: TABLE_UNIT,
        w: 10,
        h: 5,
        description:
          'Spend and $/request in the range, team ranks by spend and activity, diff accept rate and included-plan use (usage API /users/{email}).',
      })
        .withTarget(cursorQuery('user', { email: '$user', view: 'summary' }))
        .reduceOptions(
          new common.ReduceDataOptionsBuilder()
            .calcs(['lastNotNull'])
            .values(false)
            .fields('/^(spend_usd|cost_per_request_usd|spend_rank|activity_rank|accept_rate|plan_usage)$/'),
        )
        .textMode(common.BigValueTextMode.ValueAndName),
    )
    .withPanel(
      stat({
        title: 'Savings if on the median',
        unit: 'currencyUSD',
        w: 5,
        h: 5,
        description:
          "This cycle's spend the member would save paying the team median $/request instead of theirs (cursor_user_savings_potential_usd; 0 when at or below the team p90).",
      })
        .withTarget(prom('sum(cursor_user_savings_potential_usd{user="$user"}) or vector(0)', 'savings'))
        .links([link('Model cost comparison', dashboardUrl(UID.overview))]),
    )

    .withPanel(
      dailyBars({
        title: 'Daily spend by model',
        unit: 'currencyUSD',
        w: 12,
        h: 9,
        description:
          "The member's spend per UTC day and model (usage API /series by model). Red regions are the member's anomalies, from onset to resolution.",
      }).withTarget(cursorQuery('series', { metric: 'spend', by: 'model', interval: '1d', limit: 6, ...me })),
    )
    .withPanel(
      dailyBars({
        title: 'Daily tokens by model',
        unit: 'short',
        w: 12,
        h: 9,
        description: 'Input, output and cache tokens per UTC day and model (usage API /series, metric tokens).',
      }).withTarget(cursorQuery('series', { metric: 'tokens', by: 'model', interval: '1d', limit: 6, ...me })),
    )

    .withPanel(
      timeseries({
        title: 'Cost per request vs the team',
        unit: 'currencyUSD',
        w: 12,
        h: 9,
        description:
          "The member's daily $/request against the whole team's (usage API /series, metric cost_per_request). A line well above the team's means pricier models or long contexts.",
      })
        .withTarget(cursorQuery('series', { metric: 'cost_per_request', by: 'team', interval: '1d', ...me }))
        .withTarget(cursorQuery('series', { metric: 'cost_per_request', by: 'team', interval: '1d' }))
        .overrideByQuery('A', [prop.name('${user}')])
        .overrideByQuery('B', [prop.name('team'), { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
    )
    .withPanel(
      pieChart({
        title: 'Model mix',
        unit: 'currencyUSD',
        w: 6,
        h: 9,
        description: "Share of the member's spend in the range per model (usage API /users/{email}/models).",
      })
        .withTarget(cursorQuery('user', { email: '$user', view: 'models' }))
        .reduceOptions(
          new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(true).fields('/^spend_usd$/'),
        ),
    )
    .withPanel(
      barChart(
        {
          title: 'Tokens by kind, all time',
          unit: 'short',
          w: 6,
          h: 9,
          description:
            "The member's tokens since collection began by kind: input, output, cache write, cache read (cursor_usage_tokens_total). Cache reads dominate long sessions.",
        },
        'kind',
      ).withTarget(prom('sum by (kind) (cursor_usage_tokens_total{user="$user"})', '{{kind}}', { table: true })),
    )

    .withPanel(
      table({
        title: 'Cost breakdown by model',
        unit: TABLE_UNIT,
        w: 12,
        h: 8,
        description:
          'Per model: requests, spend, $/request, events included in the plan, usage-based and errored, max-mode events and tokens (usage API /users/{email}/models).',
      })
        .withTarget(cursorQuery('user', { email: '$user', view: 'models' }))
        .overrideByName('spend_usd', [prop.gauge()]),
    )
    .withPanel(
      barChart(
        {
          title: 'Features used',
          unit: 'none',
          w: 12,
          h: 8,
          description:
            'How often the member used each feature in the range: agent, chat, tab, cmd-K, Bugbot… (usage API /users/{email}/features).',
        },
        'feature',
      ).withTarget(cursorQuery('user', { email: '$user', view: 'features' })),
    )

    .withPanel(
      table({
        title: 'Anomaly history',
        unit: TABLE_UNIT,
        w: 24,
        h: 8,
        description:
          "The member's anomalies and incidents, newest first, with the evidence sentence, value and threshold (usage API /users/{email}/anomalies).",
      })
        .withTarget(cursorQuery('user', { email: '$user', view: 'anomalies' }))
        .overrideByName('severity', [prop.colorText(), { id: 'mappings', value: [severityColors] }])
        .overrideByName('message', [prop.width(520)])
        .links([link('All anomalies and incidents', dashboardUrl(UID.anomalies, { user: '${user}' }))]),
    )
    .withPanel(
      table({
        title: 'Incidents',
        unit: TABLE_UNIT,
        w: 24,
        h: 7,
        description:
          "The member's incidents in the range with their lifecycle: detected, alerted (Alertmanager's webhook), acknowledged (a silence or the API) and resolved, and who resolved them (usage API /incidents).",
      })
        .withTarget(cursorQuery('incidents', { user: '$user', limit: 100 }))
        .overrideByName('severity', [prop.colorText(), { id: 'mappings', value: [severityColors] }])
        .overrideByName('email', [prop.hidden()])
        .overrideByName('message', [prop.width(420)]),
    )
    .withPanel(
      table({
        title: 'Daily activity and spend',
        unit: TABLE_UNIT,
        w: 24,
        h: 10,
        description:
          'Per day, newest first: spend, requests, tokens, agent requests, lines added and deleted, accepts, tabs, primary model and client version (usage API /users/{email}/timeline).',
      })
        .withTarget(cursorQuery('user', { email: '$user', view: 'timeline' }))
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('time').desc(true)]),
    );
}
