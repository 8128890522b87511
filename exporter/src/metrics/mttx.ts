import { Gauge } from 'prom-client';
import { DAY_MS } from '../domain/time';
import type { FamilyFactory } from './types';

/** Incidents detected in this trailing window feed the means (the reference's stat cards use N days too). */
export const MTTX_WINDOW_MS = 30 * DAY_MS;

/**
 * Incident response times, as means over incidents detected in the last 30 days; NaN while there is
 * nothing to average. MTTD: condition appeared in the data → incident opened. MTTI: Alertmanager
 * notified → acknowledged (the reference's definition). MTTR: incident opened → resolved.
 */
export const mttxFamily: FamilyFactory = ({ db, registry }) => {
  const g = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
  const mttd = g('cursor_incident_mttd_seconds', 'Mean time to detect: onset in the data to incident opened, over incidents detected in the last 30 days, in seconds.');
  const mtti = g('cursor_incident_mtti_seconds', 'Mean time to acknowledge: notified to acknowledged, over incidents detected in the last 30 days, in seconds.');
  const mttr = g('cursor_incident_mttr_seconds', 'Mean time to resolve: incident opened to resolved, over incidents detected in the last 30 days, in seconds.');

  return {
    name: 'mttx',
    refill({ nowMs }) {
      const r = db
        .prepare(
          `SELECT AVG(detected_ms - onset_ms) AS d,
                  AVG(CASE WHEN alerted_ms IS NOT NULL AND acknowledged_ms IS NOT NULL THEN acknowledged_ms - alerted_ms END) AS i,
                  AVG(CASE WHEN resolved_ms IS NOT NULL THEN resolved_ms - detected_ms END) AS r
             FROM incidents WHERE detected_ms >= ?`,
        )
        .get(nowMs - MTTX_WINDOW_MS) as { d: number | null; i: number | null; r: number | null };
      const seconds = (ms: number | null) => (ms === null ? Number.NaN : Math.max(0, ms) / 1000);
      mttd.set(seconds(r.d));
      mtti.set(seconds(r.i));
      mttr.set(seconds(r.r));
    },
  };
};
