import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** Plugin id and provisioned datasource UIDs: the contract with grafana-plugin/ and provisioning/grafana/. */
export const PLUGIN_ID = 'cursorusagestack-cursorusage-datasource';
export const CURSOR: DataSourceRef = { type: PLUGIN_ID, uid: 'cursor-usage' };
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

export const UID = {
  overview: 'cursor-overview',
  insights: 'cursor-insights',
  user: 'cursor-user',
  anomalies: 'cursor-anomalies',
  exporter: 'cursor-exporter',
} as const;

/** Dashboard URL keeping the time range; `vars` are appended as query parameters (values may hold ${…}). */
export function dashboardUrl(uid: string, vars: Record<string, string> = {}): string {
  const params = Object.entries(vars).map(([k, v]) => `var-${k}=${v}`);
  return `/d/${uid}/${uid}?${[...params, '${__url_time_range}'].join('&')}`;
}

/** Drilldown to one member; `value` is the data-link expression holding the e-mail. */
export const userUrl = (value = '${__value.raw:percentencode}') => dashboardUrl(UID.user, { user: value });
