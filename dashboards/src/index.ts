import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { anomalies } from './anomalies';
import { exporterHealth } from './exporter';
import { finalize } from './finalize';
import { insights } from './insights';
import { overview } from './overview';
import { userDrilldown } from './user';

/** Every provisioned dashboard, built and checked (ids, refIds, descriptions, units). */
export function dashboards(): Dashboard[] {
  return [overview(), insights(), userDrilldown(), anomalies(), exporterHealth()].map((b) => finalize(b.build()));
}
