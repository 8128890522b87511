import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardLinkBuilder,
  DashboardLinkType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { MappingType, SpecialValueMatch } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DynamicConfigValue, ValueMap, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as BarChartPanel } from '@grafana/grafana-foundation-sdk/barchart';
import {
  PieChartLegendOptionsBuilder,
  PieChartLegendValues,
  PanelBuilder as PieChartPanel,
} from '@grafana/grafana-foundation-sdk/piechart';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS, userUrl } from './refs';

/** What every panel must say: a title, what it shows and where it comes from, and its unit. */
export interface Meta {
  title: string;
  description: string;
  unit: string;
  /** Grid size; the SDK lays panels out left to right, wrapping at 24 columns. */
  w: number;
  h: number;
}

/** A Prometheus range query (default) or instant query (tables, bar gauges). */
export function prom(expr: string, legendFormat = '', opts: { instant?: boolean; table?: boolean } = {}) {
  const q = new PromQuery().datasource(PROMETHEUS).expr(expr);
  if (legendFormat) q.legendFormat(legendFormat);
  if (opts.instant || opts.table) q.instant();
  else q.range();
  if (opts.table) q.format(PromQueryFormat.Table);
  return q;
}

export const link = (title: string, url: string) =>
  new DashboardLinkBuilder(title).type(DashboardLinkType.Link).url(url);

const legend = (placement = common.LegendPlacement.Bottom) =>
  new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(placement);

const tooltip = () =>
  new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);

/** Green below `warn`, orange from `warn`, red from `crit` (crit optional). */
export function thresholds(warn: number, crit?: number) {
  const steps = [
    { value: null as unknown as number, color: 'green' },
    { value: warn, color: 'orange' },
  ];
  if (crit !== undefined) steps.push({ value: crit, color: 'red' });
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** One colour for every value: Grafana's default thresholds (red from 80) would paint $80 of spend as an alarm. */
export const neutral = () =>
  new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null as unknown as number, color: 'blue' }]);

export function stat(m: Meta) {
  return new StatPanel()
    .title(m.title)
    .description(m.description)
    .unit(m.unit)
    .span(m.w)
    .height(m.h)
    .thresholds(neutral())
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .textMode(common.BigValueTextMode.Auto);
}

export function timeseries(m: Meta) {
  return new TimeseriesPanel()
    .title(m.title)
    .description(m.description)
    .unit(m.unit)
    .span(m.w)
    .height(m.h)
    .legend(legend())
    .tooltip(tooltip())
    .lineWidth(2)
    .fillOpacity(10)
    .spanNulls(true);
}

/** Daily bars, stacked when several series share the panel (spend per day by user, model, group). */
export function dailyBars(m: Meta, stacked = true) {
  return timeseries(m)
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(80)
    .lineWidth(1)
    .stacking(new common.StackingConfigBuilder().mode(stacked ? common.StackingMode.Normal : common.StackingMode.None));
}

/** Gauge cells scale to their own column (fieldMinMax), not to the largest number in the table. */
export function table(m: Meta) {
  return new TablePanel()
    .title(m.title)
    .description(m.description)
    .unit(m.unit)
    .span(m.w)
    .height(m.h)
    .thresholds(neutral())
    .fieldMinMax(true)
    .filterable(true)
    .cellHeight(common.TableCellHeight.Sm);
}

export function barGauge(m: Meta) {
  return new BarGaugePanel()
    .title(m.title)
    .description(m.description)
    .unit(m.unit)
    .span(m.w)
    .height(m.h)
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .legend(legend());
}

/** Bars per row of a table frame (top commands, file extensions…), `x` the category column. */
export function barChart(m: Meta, x: string) {
  return new BarChartPanel()
    .title(m.title)
    .description(m.description)
    .unit(m.unit)
    .span(m.w)
    .height(m.h)
    .xField(x)
    .orientation(common.VizOrientation.Horizontal)
    .showValue(common.VisibilityMode.Auto)
    .legend(legend())
    .tooltip(tooltip())
    .fillOpacity(80);
}

export function pieChart(m: Meta) {
  return new PieChartPanel()
    .title(m.title)
    .description(m.description)
    .unit(m.unit)
    .span(m.w)
    .height(m.h)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(true))
    .legend(
      new PieChartLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .values([PieChartLegendValues.Percent]),
    )
    .tooltip(tooltip());
}

/** Field override properties: a column's unit, display name, width or cell type. */
export const prop = {
  unit: (unit: string): DynamicConfigValue => ({ id: 'unit', value: unit }),
  name: (name: string): DynamicConfigValue => ({ id: 'displayName', value: name }),
  width: (px: number): DynamicConfigValue => ({ id: 'custom.width', value: px }),
  hidden: (): DynamicConfigValue => ({ id: 'custom.hidden', value: true }),
  gauge: (): DynamicConfigValue => ({ id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } }),
  colorText: (): DynamicConfigValue => ({ id: 'custom.cellOptions', value: { type: 'color-text' } }),
  rightAxis: (): DynamicConfigValue => ({ id: 'custom.axisPlacement', value: 'right' }),
  line: (): DynamicConfigValue => ({ id: 'custom.drawStyle', value: 'line' }),
  /** Clicking the cell opens the member drilldown; `value` is the link expression for the e-mail. */
  userLink: (value?: string): DynamicConfigValue => ({
    id: 'links',
    value: [{ title: 'Open ${__value.text} in the user drilldown', url: userUrl(value) }],
  }),
};

/** Value mappings: colours per value (severity, 0/1 outcomes), and a text for null or NaN (a mean of nothing). */
export const mapping = {
  colors: (colors: Record<string, string>): ValueMap => ({
    type: MappingType.ValueToText,
    options: Object.fromEntries(Object.entries(colors).map(([value, color], index) => [value, { color, index }])),
  }),
  nan: (text: string): ValueMapping => ({
    type: MappingType.SpecialValue,
    options: { match: SpecialValueMatch.NullAndNan, result: { text } },
  }),
};
export const severityColors = mapping.colors({ critical: 'red', warning: 'orange', info: 'blue' });
const outcomeColors = mapping.colors({ '0': 'red', '1': 'green' });

/** Whether a run succeeded (a 0/1 gauge): "Yes" on green, "No" on red. */
export function outcomeStat(m: Omit<Meta, 'unit'>, expr: string) {
  return stat({ ...m, unit: 'bool_yes_no' })
    .withTarget(prom(expr, 'succeeded'))
    .mappings([outcomeColors])
    .colorMode(common.BigValueColorMode.Background);
}

/** Table frames from the plugin carry their own units; the panel unit is the fallback for the rest. */
export const TABLE_UNIT = 'none';
