import type { FieldName } from '../types';

/** How each query field is labelled and explained in the editors. */
export const FIELD_INFO: Record<FieldName, { label: string; tooltip: string; placeholder?: string }> = {
  metric: { label: 'Metric', tooltip: 'spend (USD), requests, tokens or cost per request' },
  by: { label: 'By', tooltip: 'one series for the team, or one per user, group or model' },
  interval: { label: 'Interval', tooltip: 'bucket width, whole days (1d, 7d)', placeholder: '1d' },
  limit: { label: 'Limit', tooltip: 'rows (series: top N series, the rest summed into "other")' },
  user: { label: 'User', tooltip: 'member e-mail, e.g. $user; empty or All = everyone', placeholder: '$user' },
  group: {
    label: 'Group',
    tooltip: 'billing group id or parent:<Name>, e.g. $group; empty or All = every group',
    placeholder: '$group',
  },
  model: { label: 'Model', tooltip: 'model name, e.g. $model; empty or All = every model', placeholder: '$model' },
  q: { label: 'Search', tooltip: 'case-insensitive substring of name or e-mail' },
  sort: { label: 'Sort', tooltip: 'column to sort by' },
  order: { label: 'Order', tooltip: 'ascending or descending' },
  badge: { label: 'Badge', tooltip: 'only members with this badge' },
  email: { label: 'E-mail', tooltip: 'the member, usually the $user variable', placeholder: '$user' },
  view: { label: 'View', tooltip: 'which view of the route' },
  status: { label: 'Status', tooltip: "'open' = every status but resolved" },
  detector: { label: 'Detector', tooltip: 'detector id, e.g. $detector', placeholder: '$detector' },
  severity: { label: 'Severity', tooltip: 'info, warning or critical' },
  subject: { label: 'Subject', tooltip: 'team, group or user forecasts; empty = all' },
};
