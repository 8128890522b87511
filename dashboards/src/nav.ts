import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';

export const TAG = 'cursor-usage';

/** The header links between our dashboards (every dashboard tagged cursor-usage), keeping time and filters. */
export function crossLinks() {
  return [
    new DashboardLinkBuilder('Cursor dashboards')
      .type(DashboardLinkType.Dashboards)
      .tags([TAG])
      .asDropdown(false)
      .keepTime(true)
      .includeVars(true)
      .icon('dashboard')
      .tooltip('')
      .targetBlank(false),
  ];
}
