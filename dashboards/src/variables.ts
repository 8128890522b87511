import {
  CustomVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { CURSOR } from './refs';

type Kind = 'users' | 'groups' | 'models' | 'detectors';

/**
 * A template variable served by our plugin (text = name, value = e-mail / group id / model / detector).
 * "All" reaches the plugin as Grafana's all value and means "no filter".
 */
export function pluginVariable(name: string, label: string, kind: Kind, opts: { all?: boolean; description: string }) {
  const v = new QueryVariableBuilder(name)
    .label(label)
    .description(opts.description)
    .datasource(CURSOR)
    .query({ kind })
    .definition(`${kind}`)
    .refresh(VariableRefresh.OnDashboardLoad)
    .sort(VariableSort.AlphabeticalCaseInsensitiveAsc)
    .multi(false);
  if (opts.all) v.includeAll(true).current({ text: 'All', value: '$__all', selected: true });
  return v;
}

export const groupVariable = () =>
  pluginVariable('group', 'Billing group', 'groups', {
    all: true,
    description: 'Narrows the usage-API panels to one billing group (Cursor groups or local ones).',
  });

export const userVariable = (all: boolean) =>
  pluginVariable('user', 'Member', 'users', {
    all,
    description: all
      ? 'Narrows the usage-API panels to one member.'
      : 'The member this drilldown is about (name <e-mail>).',
  });

/** A fixed list (statuses, severities, badges) with "All", starting on `initial` (default All). */
export function listVariable(name: string, label: string, values: string[], description: string, initial?: string) {
  return new CustomVariableBuilder(name)
    .label(label)
    .description(description)
    .values(values.join(','))
    .includeAll(true)
    .current(
      initial ? { text: initial, value: initial, selected: true } : { text: 'All', value: '$__all', selected: true },
    )
    .multi(false);
}
