/** POST /teams/spend (cursor-api.md §2.4). */
import { DAY_MS } from '../../domain/time';
import { badRequest } from '../http';
import { microToCents, type RawSpendRow } from '../shapes';
import type { SimMember } from '../team';
import { bodyOf, optInt, type SimRoute } from './route';

export const spendRoute: SimRoute = {
  method: 'POST',
  url: '/teams/spend',
  kind: 'admin',
  build(req, sim, nowMs) {
    const b = bodyOf(req);
    const page = optInt(b, 'page', 1) ?? 1;
    const pageSize = Math.min(optInt(b, 'pageSize', 1) ?? 100, 1000);
    const sortBy = b.sortBy ?? 'date';
    const direction = b.sortDirection ?? 'desc';
    if (sortBy !== 'amount' && sortBy !== 'date' && sortBy !== 'user')
      throw badRequest('sortBy must be one of amount, date, user');
    if (direction !== 'asc' && direction !== 'desc') throw badRequest('sortDirection must be asc or desc');
    const search = typeof b.searchTerm === 'string' ? b.searchTerm.toLowerCase() : '';
    const t = sim.cycleSpendTable(nowMs);
    const rows = sim.members
      .filter((m) => !m.isRemoved && (!search || m.email.includes(search) || m.name.toLowerCase().includes(search)))
      .map((m) => ({ m, row: spendRow(m, t.overall[m.index], t.onDemand[m.index], t.usageCount[m.index]) }));
    const sign = direction === 'asc' ? 1 : -1;
    rows.sort((a, b2) => {
      const primary =
        sortBy === 'amount'
          ? a.row.overallSpendCents - b2.row.overallSpendCents
          : sortBy === 'user'
            ? a.m.name.localeCompare(b2.m.name)
            : a.m.joinDayNum - b2.m.joinDayNum;
      return sign * primary || a.m.index - b2.m.index;
    });
    return {
      body: {
        teamMemberSpend: rows.slice((page - 1) * pageSize, page * pageSize).map((r) => r.row),
        subscriptionCycleStart: t.cycle.startDayNum * DAY_MS,
        totalMembers: rows.length,
        totalPages: Math.ceil(rows.length / pageSize),
      },
      listKey: 'teamMemberSpend',
    };
  },
};

function spendRow(m: SimMember, overallMicro: number, onDemandMicro: number, usageCount: number): RawSpendRow {
  const effective = m.hardLimitOverrideDollars > 0 ? m.hardLimitOverrideDollars : m.monthlyLimitDollars;
  return {
    userId: m.id,
    name: m.name,
    email: m.email,
    role: m.role,
    spendCents: microToCents(onDemandMicro),
    overallSpendCents: microToCents(overallMicro),
    fastPremiumRequests: usageCount,
    hardLimitOverrideDollars: m.hardLimitOverrideDollars,
    monthlyLimitDollars: m.monthlyLimitDollars,
    effectivePerUserLimitDollars: effective,
  };
}
