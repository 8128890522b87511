/** POST /teams/filtered-usage-events (cursor-api.md §2.3): its own rate limit. */
import { DAY_MS } from '../../domain/time';
import { badRequest } from '../http';
import { bodyOf, checkRange, optInt, optMs, type SimRoute } from './route';

export const usageEventsRoute: SimRoute = {
  method: 'POST',
  url: '/teams/filtered-usage-events',
  kind: 'usageEvents',
  build(req, sim, nowMs) {
    const b = bodyOf(req);
    const endDate = optMs(b, 'endDate') ?? nowMs;
    const startDate = optMs(b, 'startDate') ?? endDate - 7 * DAY_MS;
    checkRange(startDate, endDate);
    const page = optInt(b, 'page', 1) ?? 1;
    const pageSize = Math.min(optInt(b, 'pageSize', 1) ?? 100, 1000);
    let email: string | undefined;
    if (b.email !== undefined) {
      if (typeof b.email !== 'string') throw badRequest('email must be a string');
      email = b.email;
    }
    const userId = optInt(b, 'userId', 0);
    if (userId !== undefined) {
      const m = sim.members.find((x) => x.numericId === userId);
      if (email !== undefined && m?.email !== email.toLowerCase())
        email = '\u0000none'; // filters combine with AND
      else email = m?.email ?? '\u0000none';
    }
    const { total, events } = sim.queryEvents({
      fromMs: startDate,
      toMs: endDate,
      nowMs,
      email,
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    const numPages = Math.ceil(total / pageSize);
    return {
      body: {
        totalUsageEventsCount: total,
        pagination: { numPages, currentPage: page, pageSize, hasNextPage: page < numPages, hasPreviousPage: page > 1 },
        usageEvents: events,
        period: { startDate, endDate },
      },
      listKey: 'usageEvents',
    };
  },
};
