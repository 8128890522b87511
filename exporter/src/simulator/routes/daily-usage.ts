/** POST /teams/daily-usage-data (cursor-api.md §2.2). */
import { badRequest } from '../http';
import { bodyOf, checkRange, optInt, optMs, type SimRoute } from './route';

export const dailyUsageRoute: SimRoute = {
  method: 'POST',
  url: '/teams/daily-usage-data',
  kind: 'admin',
  build(req, sim, nowMs) {
    const b = bodyOf(req);
    const startDate = optMs(b, 'startDate');
    const endDate = optMs(b, 'endDate');
    if (startDate === undefined || endDate === undefined)
      throw badRequest('startDate and endDate are required (epoch milliseconds)');
    checkRange(startDate, endDate);
    const page = optInt(b, 'page', 1);
    const pageSize = optInt(b, 'pageSize', 1);
    const days = sim.visibleDays(startDate, endDate, nowMs, true);
    const period = { startDate, endDate };
    // D26: without page+pageSize only active users come back and there is no pagination object.
    if (page === undefined || pageSize === undefined) {
      return { body: { data: sim.dailyUsageRows(sim.members, days, nowMs, false), period }, listKey: 'data' };
    }
    const members = sim.membersDuring(days);
    const totalPages = Math.ceil(members.length / pageSize);
    const slice = members.slice((page - 1) * pageSize, page * pageSize);
    return {
      body: {
        data: sim.dailyUsageRows(slice, days, nowMs, true),
        period,
        pagination: {
          page,
          pageSize,
          totalUsers: members.length,
          totalPages,
          hasNextPage: page < totalPages,
          hasPreviousPage: page > 1,
        },
      },
      listKey: 'data',
    };
  },
};
