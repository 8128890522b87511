import { DAY_MS } from '../domain/time';
import { mttxReport, type Mttx } from '../incidents/mttx';
import type { FamilyFactory } from './types';

/** Incidents detected in this trailing window feed the means (the reference's stat cards use N days too). */
export const MTTX_WINDOW_MS = 30 * DAY_MS;

/**
 * Incident response times, as means over incidents detected in the last 30 days; NaN while there is
 * nothing to average. The definitions are incidents/mttx.ts's (the JSON API's /incidents/mttx reads
 * the same report), so a dashboard and the API never disagree: MTTD = onset in the data → alerted,
 * MTTI = alerted → acknowledged, MTTR = onset → resolved.
 */
export const mttxFamily: FamilyFactory = ({ store: { incidents }, gauge: g }) => {
  const mttd = g(
    'cursor_incident_mttd_seconds',
    'Mean time to detect: onset in the data to alert sent, over incidents detected in the last 30 days, in seconds.',
  );
  const mtti = g(
    'cursor_incident_mtti_seconds',
    'Mean time to acknowledge: alert sent to acknowledged, over incidents detected in the last 30 days, in seconds.',
  );
  const mttr = g(
    'cursor_incident_mttr_seconds',
    'Mean time to resolve: onset in the data to resolved, over incidents detected in the last 30 days, in seconds.',
  );
  const seconds = (m: Mttx) => (m.meanMs === null ? Number.NaN : m.meanMs / 1000);

  return {
    name: 'mttx',
    refill({ nowMs }) {
      const r = mttxReport(incidents, nowMs - MTTX_WINDOW_MS, nowMs);
      mttd.set(seconds(r.mttd));
      mtti.set(seconds(r.mtti));
      mttr.set(seconds(r.mttr));
    },
  };
};
