/**
 * Analytics API team routes (cursor-api.md §3): GET /analytics/team/<endpoint> → {data, params}.
 * Dates accept YYYY-MM-DD, ISO (time ignored), today/now, yesterday and <n>d; default last 7 days.
 */
import { ANALYTICS_ENDPOINTS, type AnalyticsEndpoint } from '../../domain/records';
import { DAY_MS, utcDay } from '../../domain/time';
import { ApiError, badRequest } from '../http';
import type { SimRoute } from './route';

/** Resolves an Analytics date parameter to a UTC day number, relative to `nowMs`. */
export function parseAnalyticsDate(value: string, nowMs: number): number {
  const today = Math.floor(nowMs / DAY_MS);
  const v = value.trim().toLowerCase();
  if (v === 'today' || v === 'now') return today;
  if (v === 'yesterday') return today - 1;
  const rel = /^(\d{1,4})d$/.exec(v);
  if (rel) return today - Number(rel[1]);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : value);
  if (Number.isNaN(ms))
    throw badRequest(`Invalid date '${value}': use YYYY-MM-DD, an ISO date, today, yesterday or <n>d`);
  return Math.floor(ms / DAY_MS);
}

const endpointOf = (params: unknown) => (params as { endpoint: string }).endpoint as AnalyticsEndpoint;

export const analyticsRoute: SimRoute = {
  method: 'GET',
  url: '/analytics/team/:endpoint',
  kind: 'analytics',
  limitKey: (req) => `/analytics/team/${endpointOf(req.params)}`,
  build(req, sim, nowMs) {
    const endpoint = endpointOf(req.params);
    if (!ANALYTICS_ENDPOINTS.includes(endpoint)) throw new ApiError(404, 'Not Found', 'Resource not found');
    const q = req.query as Record<string, string | undefined>;
    const from = parseAnalyticsDate(q.startDate ?? '7d', nowMs);
    const to = parseAnalyticsDate(q.endDate ?? 'today', nowMs);
    if (from > to) throw badRequest('startDate must not be after endDate');
    if (to - from > 30) throw badRequest('Date range cannot exceed 30 days');
    const days = sim.visibleDays(from * DAY_MS, to * DAY_MS, nowMs, false);
    return {
      body: {
        data: sim.analyticsRows(endpoint, days, nowMs),
        params: {
          metric: endpoint === 'top-file-extensions' ? 'top-files' : endpoint,
          teamId: sim.team.teamId,
          startDate: utcDay(from * DAY_MS),
          endDate: utcDay(to * DAY_MS),
        },
      },
      listKey: 'data',
    };
  },
};
