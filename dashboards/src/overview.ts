import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import { cursorQuery } from './cursor-query';
import { barGauge, dailyBars, link, prom, prop, stat, table, thresholds, TABLE_UNIT } from './panels';
import { dashboardUrl, UID } from './refs';
import { groupVariable, listVariable, pluginVariable, userVariable } from './variables';
import { crossLinks, TAG } from './nav';

const people = { user: '$user', group: '$group', model: '$model' };

const BADGES = [
  'light-user',
  'deep-thinker',
  'power-user',
  'balanced',
  'over-budget',
  'premium-model',
  'cost-efficient',
  'long-sessions',
  'short-sessions',
  'ai-native',
  'high-adoption',
  'moderate-adoption',
  'low-adoption',
  'manual-coder',
];

/** Team overview: the reference product's home page (KPI strip, daily spend, top spenders, model costs, members). */
export function overview() {
  return new DashboardBuilder('Cursor: team overview')
    .uid(UID.overview)
    .description(
      'Where the Cursor money goes this billing cycle: by member, billing group and model, with forecasts and open anomalies.',
    )
    .tags([TAG])
    .time({ from: 'now-30d', to: 'now' })
    .refresh('15m')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(crossLinks())
    .withVariable(groupVariable())
    .withVariable(userVariable(true))
    .withVariable(
      pluginVariable('model', 'Model', 'models', {
        all: true,
        description: 'Narrows the usage-API panels to usage of one model.',
      }),
    )
    .withVariable(
      listVariable(
        'badge',
        'Badge',
        BADGES,
        "Members table only: members carrying this badge (the reference product's badges).",
      ),
    )

    .withPanel(
      stat({
        title: 'Cycle spend',
        unit: 'currencyUSD',
        w: 4,
        h: 5,
        description:
          'Team spend in the current billing cycle, included plan usage plus on-demand (Prometheus: cursor_team_cycle_spend_usd). Whole team: the group and member filters apply to the usage-API panels.',
      })
        .withTarget(prom('cursor_team_cycle_spend_usd', 'this cycle'))
        .withTarget(prom('cursor_team_cycle_on_demand_spend_usd', 'on-demand'))
        .textMode(common.BigValueTextMode.ValueAndName),
    )
    .withPanel(
      stat({
        title: 'Cycle-end forecast',
        unit: 'currencyUSD',
        w: 4,
        h: 5,
        description:
          'Projected team spend at the end of the billing cycle, with its low–high range, from the last detection run (cursor_forecast_cycle_spend_*_usd{subject="team"}).',
      })
        .withTarget(prom('cursor_forecast_cycle_spend_usd{subject="team"}', 'forecast'))
        .withTarget(prom('cursor_forecast_cycle_spend_low_usd{subject="team"}', 'low'))
        .withTarget(prom('cursor_forecast_cycle_spend_high_usd{subject="team"}', 'high'))
        .textMode(common.BigValueTextMode.ValueAndName)
        .links([link('Forecasts per member and group', dashboardUrl(UID.anomalies))]),
    )
    .withPanel(
      stat({
        title: 'Team budget',
        unit: 'percentunit',
        w: 4,
        h: 5,
        description:
          'Share of the team budget spent against the share of the cycle elapsed (usage API /tables/budgets). Spending faster than the cycle elapses means the budget runs out early. Set a budget with PATCH /api/v1/settings.',
      })
        .withTarget(cursorQuery('budgets'))
        .withTransformation({
          id: 'filterByValue',
          options: {
            type: 'include',
            match: 'any',
            filters: [{ fieldName: 'subject', config: { id: 'equal', options: { value: 'team' } } }],
          },
        })
        .reduceOptions(
          new common.ReduceDataOptionsBuilder()
            .calcs(['lastNotNull'])
            .values(true)
            .fields('/^(budget_used|cycle_elapsed)$/'),
        )
        .textMode(common.BigValueTextMode.ValueAndName)
        .thresholds(thresholds(0.8, 1))
        .colorMode(common.BigValueColorMode.Background)
        .noValue('No team budget'),
    )
    .withPanel(
      stat({
        title: 'Active members',
        unit: 'none',
        w: 4,
        h: 5,
        description: 'Members active on a day of this billing cycle, out of every seat (cursor_team_seats).',
      })
        .withTarget(prom('cursor_team_seats{state="active"}', 'active'))
        .withTarget(prom('sum(cursor_team_seats)', 'seats'))
        .textMode(common.BigValueTextMode.ValueAndName),
    )
    .withPanel(
      stat({
        title: 'Open anomalies',
        unit: 'none',
        w: 4,
        h: 5,
        description:
          'Unresolved anomalies (incidents) of every detector and severity (sum of cursor_anomaly_open). Click through for the evidence.',
      })
        .withTarget(prom('sum(cursor_anomaly_open) or vector(0)', 'open'))
        .thresholds(thresholds(1))
        .colorMode(common.BigValueColorMode.Background)
        .links([link('Anomalies and incidents', dashboardUrl(UID.anomalies))]),
    )
    .withPanel(
      stat({
        title: 'Billing cycle',
        unit: 'percentunit',
        w: 4,
        h: 5,
        description:
          'How far the current billing cycle has run, and the days left before it resets (cursor_billing_cycle_*_timestamp_seconds).',
      })
        .withTarget(
          prom(
            'clamp((time() - cursor_billing_cycle_start_timestamp_seconds) / (cursor_billing_cycle_end_timestamp_seconds - cursor_billing_cycle_start_timestamp_seconds), 0, 1)',
            'elapsed',
          ),
        )
        .withTarget(prom('clamp_min(cursor_billing_cycle_end_timestamp_seconds - time(), 0) / 86400', 'days left'))
        .overrideByQuery('B', [prop.unit('none'), { id: 'decimals', value: 1 }])
        .textMode(common.BigValueTextMode.ValueAndName),
    )

    .withPanel(
      dailyBars(
        {
          title: 'Daily spend',
          unit: 'currencyUSD',
          w: 16,
          h: 9,
          description:
            'Spend per UTC day for the selected group and member (usage API /series, from usage events: the one spend source every view uses), with the cost per request as a line on the right axis. The last day is partial: Cursor reports usage up to an hour late.',
        },
        false,
      )
        .withTarget(cursorQuery('series', { metric: 'spend', by: 'team', interval: '1d', ...people }))
        .withTarget(cursorQuery('series', { metric: 'cost_per_request', by: 'team', interval: '1d', ...people }))
        .overrideByQuery('A', [prop.name('spend')])
        .overrideByQuery('B', [
          prop.name('$/request'),
          prop.rightAxis(),
          prop.line(),
          { id: 'custom.fillOpacity', value: 0 },
        ]),
    )
    .withPanel(
      table({
        title: 'Top spenders',
        unit: TABLE_UNIT,
        w: 8,
        h: 9,
        description:
          'The biggest spenders in the time range (usage API /tables/top-spenders). Click a member for the drilldown.',
      })
        .withTarget(cursorQuery('topSpenders', { limit: 15, ...people }))
        .overrideByName('email', [prop.hidden()])
        .overrideByName('name', [prop.userLink('${__data.fields.email:percentencode}')])
        .overrideByName('spend_usd', [prop.gauge(), prop.name('spend')])
        .overrideByName('share', [prop.hidden()])
        .overrideByName('group', [prop.hidden()])
        .overrideByName('rank', [prop.width(50)]),
    )

    .withPanel(
      dailyBars({
        title: 'Daily spend by member',
        unit: 'currencyUSD',
        w: 12,
        h: 9,
        description:
          'Stacked daily spend of the six biggest spenders in the range and everyone else as "other" (usage API /series by user).',
      }).withTarget(cursorQuery('series', { metric: 'spend', by: 'user', interval: '1d', limit: 6, ...people })),
    )
    .withPanel(
      dailyBars({
        title: 'Daily spend by model',
        unit: 'currencyUSD',
        w: 12,
        h: 9,
        description:
          'Stacked daily spend per model, the eight most expensive and "other" (usage API /series by model).',
      })
        .withTarget(cursorQuery('series', { metric: 'spend', by: 'model', interval: '1d', limit: 8, ...people }))
        .links([link('Model adoption and $/request per model', dashboardUrl(UID.insights))]),
    )

    .withPanel(
      dailyBars({
        title: 'Daily spend by group',
        unit: 'currencyUSD',
        w: 12,
        h: 10,
        description:
          'Stacked daily spend per billing group (usage API /series by group), the history behind the cycle figures beside it.',
      }).withTarget(cursorQuery('series', { metric: 'spend', by: 'group', interval: '1d', limit: 10, ...people })),
    )
    .withPanel(
      barGauge({
        title: 'Spend by group this cycle',
        unit: 'currencyUSD',
        w: 6,
        h: 10,
        description:
          "Billing-cycle spend per billing group, Cursor's own figure (cursor_group_cycle_spend_usd). Every group: use the group filter for the usage-API panels.",
      }).withTarget(prom('sort_desc(cursor_group_cycle_spend_usd)', '{{group}}', { instant: true })),
    )
    .withPanel(
      barGauge({
        title: 'Cycle-end forecast by group',
        unit: 'currencyUSD',
        w: 6,
        h: 10,
        description:
          'Projected cycle total per billing group from the last detection run (cursor_forecast_cycle_spend_usd{subject="group"}).',
      }).withTarget(
        prom('sort_desc(cursor_forecast_cycle_spend_usd{subject="group"})', '{{group}}', { instant: true }),
      ),
    )
    .withPanel(
      table({
        title: 'Model cost comparison',
        unit: TABLE_UNIT,
        w: 24,
        h: 9,
        description:
          '$/request per model in the range, relative to the cheapest model and to the team median (usage API /tables/model-costs). Expensive models used for routine work are where savings are.',
      })
        .withTarget(cursorQuery('modelCosts', people))
        .links([link('Members × models: who would save by switching', dashboardUrl(UID.insights))])
        .overrideByName('relative', [
          prop.unit('x'),
          prop.colorText(),
          {
            id: 'thresholds',
            value: {
              mode: 'absolute',
              steps: [
                { value: null, color: 'green' },
                { value: 2, color: 'yellow' },
                { value: 4, color: 'orange' },
                { value: 8, color: 'red' },
              ],
            },
          },
        ])
        .overrideByName('vs_team_median', [prop.unit('x')]),
    )

    .withPanel(
      table({
        title: 'Members',
        unit: TABLE_UNIT,
        w: 24,
        h: 13,
        description:
          'Every member with spend, requests, lines, $/request, context size, primary model, cycle spend, plan usage, ranks and badges (usage API /tables/members). Sort by any column; click a member for the drilldown.',
      })
        .withTarget(cursorQuery('members', { sort: 'spend', order: 'desc', limit: 500, badge: '$badge', ...people }))
        .overrideByName('email', [prop.userLink()])
        .overrideByName('name', [prop.userLink('${__data.fields.email:percentencode}')])
        .overrideByName('plan_usage', [prop.gauge()])
        .overrideByName('spend_usd', [prop.gauge()]),
    );
}
