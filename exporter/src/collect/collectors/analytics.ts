import { ANALYTICS_ENDPOINTS, type AnalyticsEndpoint } from '../../domain/records';
import { addDays, utcDay } from '../../domain/time';
import { analyticsStream } from '../../store/watermarks';
import type { CollectStep } from '../context';

/**
 * One step per Analytics endpoint, so one failing endpoint does not hide the others: the last few
 * days on an incremental run (older days no longer change), a month on the stream's first run.
 */
function analyticsStep(endpoint: AnalyticsEndpoint): CollectStep {
  return {
    name: `analytics:${endpoint}`,
    async run({ store, api, nowMs, options, backfillDays }) {
      const stream = analyticsStream(endpoint);
      const first = store.watermarks.get(stream) === undefined;
      const usual = first ? options.analyticsBackfillDays : options.analyticsDays;
      const days = backfillDays === undefined ? usual : Math.max(backfillDays, first ? 1 : options.analyticsDays);
      const toDay = utcDay(nowMs);
      const result = await api.analytics(endpoint, addDays(toDay, -(days - 1)), toDay);
      const rows = store.transaction(() => {
        const n = store.analytics.upsert(result.rows);
        store.watermarks.advance(stream, nowMs, nowMs);
        return n;
      });
      return { analytics_rows: rows };
    },
  };
}

export const analyticsSteps: CollectStep[] = ANALYTICS_ENDPOINTS.map(analyticsStep);
