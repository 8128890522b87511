import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardBuilder, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';
import { cursorQuery } from './cursor-query';
import { crossLinks, TAG } from './nav';
import { barChart, barGauge, link, pieChart, prom, prop, stat, table, timeseries, TABLE_UNIT } from './panels';
import { dashboardUrl, UID } from './refs';
import { groupVariable } from './variables';

/** Team insights: the reference product's /insights page (adoption, models, tools, versions, plans). */
export function insights() {
  return new DashboardBuilder('Cursor: insights')
    .uid(UID.insights)
    .description(
      'How the team uses Cursor: daily active users, model adoption and cost, MCP tools, commands, file types, client versions and plan exhaustion.',
    )
    .tags([TAG])
    .time({ from: 'now-30d', to: 'now' })
    .refresh('1h')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(crossLinks())
    .withVariable(groupVariable())

    .withPanel(
      stat({
        title: 'Active members this cycle',
        unit: 'none',
        w: 6,
        h: 5,
        description:
          'Members active on a day of the current billing cycle, inactive ones, and seats never used (cursor_team_seats).',
      })
        .withTarget(prom('cursor_team_seats', '{{state}}'))
        .textMode(common.BigValueTextMode.ValueAndName),
    )
    .withPanel(
      stat({
        title: 'Team $/request',
        unit: 'currencyUSD',
        w: 6,
        h: 5,
        description:
          'Median and p90 cost per request across members this cycle (cursor_team_cost_per_request_*_usd). A wide gap means some members use much pricier models.',
      })
        .withTarget(prom('cursor_team_cost_per_request_median_usd', 'median'))
        .withTarget(prom('cursor_team_cost_per_request_p90_usd', 'p90'))
        .textMode(common.BigValueTextMode.ValueAndName)
        .decimals(3),
    )
    .withPanel(
      stat({
        title: 'Model-switch savings',
        unit: 'currencyUSD',
        w: 6,
        h: 5,
        description:
          "This cycle's spend that would be saved if members above the team p90 $/request paid the median (cursor_savings_potential_usd).",
      })
        .withTarget(prom('cursor_savings_potential_usd', 'potential'))
        .links([link('Model cost comparison', dashboardUrl(UID.overview))]),
    )
    .withPanel(
      stat({
        title: 'Included vs on-demand',
        unit: 'currencyUSD',
        w: 6,
        h: 5,
        description:
          "This cycle's team spend covered by the included plan and spent on demand (cursor_team_cycle_*_spend_usd).",
      })
        .withTarget(prom('cursor_team_cycle_included_spend_usd', 'included'))
        .withTarget(prom('cursor_team_cycle_on_demand_spend_usd', 'on-demand'))
        .textMode(common.BigValueTextMode.ValueAndName),
    )

    .withPanel(
      timeseries({
        title: 'Daily active users',
        unit: 'none',
        w: 12,
        h: 9,
        description:
          'Daily active users overall, of cloud agents and of the CLI (Analytics API, usage API /analytics/dau).',
      }).withTarget(cursorQuery('analytics', { view: 'dau' })),
    )
    .withPanel(
      timeseries({
        title: 'Model adoption',
        unit: 'percentunit',
        w: 12,
        h: 9,
        description:
          'Each of the top models\' share of messages per day, the rest as "other" (usage API /analytics/model-adoption).',
      })
        .withTarget(cursorQuery('analytics', { view: 'model-adoption' }))
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
        .fillOpacity(60)
        .max(1),
    )

    .withPanel(
      timeseries({
        title: '$/request per model',
        unit: 'currencyUSD',
        w: 12,
        h: 9,
        description:
          'Daily cost per request of each model (usage API /series, metric cost_per_request by model). A rising line is a pricier mode (max, long context) creeping in.',
      }).withTarget(
        cursorQuery('series', { metric: 'cost_per_request', by: 'model', interval: '1d', limit: 8, group: '$group' }),
      ),
    )
    .withPanel(
      barGauge({
        title: '$/request per model, all time',
        unit: 'currencyUSD',
        w: 6,
        h: 9,
        description:
          'Charged cost over billable requests per model since collection began (cursor_usage_cost_usd_total / cursor_usage_requests_total).',
      }).withTarget(
        prom(
          'sort_desc(sum by (model) (cursor_usage_cost_usd_total) / sum by (model) (cursor_usage_requests_total > 0))',
          '{{model}}',
          { instant: true },
        ),
      ),
    )
    .withPanel(
      table({
        title: 'Model usage',
        unit: TABLE_UNIT,
        w: 6,
        h: 9,
        description:
          'Messages per model, the most users on a day, and share of all messages in the range (usage API /analytics/models).',
      }).withTarget(cursorQuery('analytics', { view: 'models', limit: 20 })),
    )

    .withPanel(
      table({
        title: 'Members × models',
        unit: TABLE_UNIT,
        w: 24,
        h: 10,
        description:
          "Each member's spend and $/request per model against the team median, and what they would save at the median (usage API /tables/user-model-costs). The biggest savings first; click a member for the drilldown.",
      })
        .withTarget(cursorQuery('userModelCosts', { limit: 100, group: '$group' }))
        .overrideByName('email', [prop.userLink()])
        .overrideByName('name', [prop.userLink('${__data.fields.email:percentencode}')])
        .overrideByName('vs_team_median', [prop.unit('x')])
        .overrideByName('savings_usd', [prop.gauge()])
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('savings_usd').desc(true)]),
    )

    .withPanel(
      table({
        title: 'MCP tools',
        unit: TABLE_UNIT,
        w: 8,
        h: 10,
        description: 'The most-called MCP tools with their server (usage API /analytics/mcp).',
      })
        .withTarget(cursorQuery('analytics', { view: 'mcp', limit: 20 }))
        .overrideByName('calls', [prop.gauge()]),
    )
    .withPanel(
      barChart(
        {
          title: 'Commands',
          unit: 'none',
          w: 8,
          h: 10,
          description:
            'The most-used commands; names ending in .md count with their bare name (usage API /analytics/commands).',
        },
        'command',
      ).withTarget(cursorQuery('analytics', { view: 'commands', limit: 20 })),
    )
    .withPanel(
      barChart(
        {
          title: 'File extensions',
          unit: 'none',
          w: 8,
          h: 10,
          description: 'AI lines accepted and files per file extension (usage API /analytics/file-extensions).',
        },
        'extension',
      ).withTarget(cursorQuery('analytics', { view: 'file-extensions', limit: 12 })),
    )

    .withPanel(
      pieChart({
        title: 'Client versions',
        unit: 'none',
        w: 8,
        h: 9,
        description: 'Members by the Cursor version they last used (usage API /analytics/client-versions).',
      })
        .withTarget(cursorQuery('analytics', { view: 'client-versions', limit: 6 }))
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(true).fields('/^users$/')),
    )
    .withPanel(
      table({
        title: 'Client versions: who needs an update',
        unit: TABLE_UNIT,
        w: 6,
        h: 9,
        description:
          'Every client version in use with its members and share; all but the newest need an update (usage API /analytics/client-versions).',
      }).withTarget(cursorQuery('analytics', { view: 'client-versions', limit: 50 })),
    )
    .withPanel(
      timeseries({
        title: 'Accepted lines',
        unit: 'none',
        w: 10,
        h: 9,
        description:
          'Lines accepted per day from agent edits and from tab completions (usage API /analytics/agent-edits and /analytics/tabs).',
      })
        .withTarget(cursorQuery('analytics', { view: 'agent-edits' }))
        .withTarget(cursorQuery('analytics', { view: 'tabs' }))
        .withTransformation({
          id: 'filterFieldsByName',
          options: { include: { pattern: '^(time|total_lines_accepted)$' } },
        })
        .overrideByQuery('A', [prop.name('agent edits')])
        .overrideByQuery('B', [prop.name('tab completions')]),
    )

    .withPanel(
      table({
        title: 'Billing cycle summary',
        unit: TABLE_UNIT,
        w: 24,
        h: 5,
        description:
          'The current cycle against the last one: spend and change, seats in use, members whose included plan ran out, the top spenders (usage API /tables/cycle-summary).',
      }).withTarget(cursorQuery('cycleSummary', { group: '$group' })),
    )
    .withPanel(
      table({
        title: 'Plan exhaustion',
        unit: TABLE_UNIT,
        w: 24,
        h: 10,
        description:
          'Who used up their included plan this cycle and on which day, earliest first, with on-demand spend since (usage API /tables/plan-exhaustion). Click a member for the drilldown.',
      })
        .withTarget(cursorQuery('planExhaustion', { group: '$group', limit: 100 }))
        .overrideByName('email', [prop.userLink()]),
    );
}
