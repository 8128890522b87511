/**
 * Admin API routes in their D26 shapes (cursor-api.md §2): members, spend, daily usage, usage
 * events and billing groups. Handlers only translate HTTP to Simulation queries and back.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DAY_MS } from '../domain/time';
import { badRequest, runPipeline, type Built, type PipelineContext } from './http';
import { microToCents, type RawGroup, type RawGroupMember, type RawMember, type RawSpendRow } from './shapes';
import type { Simulation } from './simulation';
import type { SimMember } from './team';

const MAX_RANGE_MS = 30 * DAY_MS;

type Body = Record<string, unknown>;

function bodyOf(req: FastifyRequest): Body {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw badRequest('Request body must be a JSON object');
  return b as Body;
}

function optInt(b: Body, name: string, min: number): number | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw badRequest(`${name} must be an integer >= ${min}`);
  return v;
}

function optMs(b: Body, name: string): number | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${name} must be epoch milliseconds (a number)`);
  return v;
}

function checkRange(startDate: number, endDate: number): void {
  if (startDate > endDate) throw badRequest('startDate must not be after endDate');
  if (endDate - startDate > MAX_RANGE_MS) throw badRequest('Date range cannot exceed 30 days');
}

const iso = (ms: number) => new Date(ms).toISOString();

export function registerAdminRoutes(app: FastifyInstance, sim: Simulation, ctx: PipelineContext, now: () => number): void {
  const route = (method: 'GET' | 'POST', url: string, kind: 'admin' | 'usageEvents', build: (req: FastifyRequest) => Built) => {
    app.route({ method, url, handler: (req, reply) => runPipeline(ctx, req, reply, kind, url, () => build(req)) });
  };

  route('GET', '/teams/members', 'admin', () => ({
    body: { teamMembers: sim.members.map((m): RawMember => ({ id: m.id, name: m.name, email: m.email, role: m.role, isRemoved: m.isRemoved })) },
    listKey: 'teamMembers',
  }));

  route('POST', '/teams/spend', 'admin', (req) => {
    const b = bodyOf(req);
    const page = optInt(b, 'page', 1) ?? 1;
    const pageSize = Math.min(optInt(b, 'pageSize', 1) ?? 100, 1000);
    const sortBy = b.sortBy ?? 'date';
    const direction = b.sortDirection ?? 'desc';
    if (sortBy !== 'amount' && sortBy !== 'date' && sortBy !== 'user') throw badRequest('sortBy must be one of amount, date, user');
    if (direction !== 'asc' && direction !== 'desc') throw badRequest('sortDirection must be asc or desc');
    const search = typeof b.searchTerm === 'string' ? b.searchTerm.toLowerCase() : '';
    const nowMs = now();
    const t = sim.cycleSpendTable(nowMs);
    const rows = sim.members
      .filter((m) => !m.isRemoved && (!search || m.email.includes(search) || m.name.toLowerCase().includes(search)))
      .map((m) => ({ m, row: spendRow(m, t.overall[m.index], t.onDemand[m.index], t.usageCount[m.index]) }));
    const sign = direction === 'asc' ? 1 : -1;
    rows.sort((a, b2) => {
      const primary = sortBy === 'amount' ? a.row.overallSpendCents - b2.row.overallSpendCents
        : sortBy === 'user' ? a.m.name.localeCompare(b2.m.name)
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
  });

  route('POST', '/teams/daily-usage-data', 'admin', (req) => {
    const b = bodyOf(req);
    const startDate = optMs(b, 'startDate');
    const endDate = optMs(b, 'endDate');
    if (startDate === undefined || endDate === undefined) throw badRequest('startDate and endDate are required (epoch milliseconds)');
    checkRange(startDate, endDate);
    const page = optInt(b, 'page', 1);
    const pageSize = optInt(b, 'pageSize', 1);
    const nowMs = now();
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
        pagination: { page, pageSize, totalUsers: members.length, totalPages, hasNextPage: page < totalPages, hasPreviousPage: page > 1 },
      },
      listKey: 'data',
    };
  });

  route('POST', '/teams/filtered-usage-events', 'usageEvents', (req) => {
    const b = bodyOf(req);
    const nowMs = now();
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
      if (email !== undefined && m?.email !== email.toLowerCase()) email = '\u0000none'; // filters combine with AND
      else email = m?.email ?? '\u0000none';
    }
    const { total, events } = sim.queryEvents({ fromMs: startDate, toMs: endDate, nowMs, email, offset: (page - 1) * pageSize, limit: pageSize });
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
  });

  route('GET', '/teams/groups', 'admin', (req) => {
    const q = req.query as Record<string, string | undefined>;
    const nowMs = now();
    let cycleDayNum = Math.floor(nowMs / DAY_MS);
    if (q.billingCycle !== undefined) {
      const ms = Date.parse(q.billingCycle);
      if (Number.isNaN(ms)) throw badRequest('billingCycle must be an ISO date');
      cycleDayNum = Math.floor(ms / DAY_MS);
    }
    return { body: groupsBody(sim, nowMs, cycleDayNum), listKey: 'groups' };
  });
}

function spendRow(m: SimMember, overallMicro: number, onDemandMicro: number, usageCount: number): RawSpendRow {
  const effective = m.hardLimitOverrideDollars > 0 ? m.hardLimitOverrideDollars : m.monthlyLimitDollars;
  return {
    userId: m.id, name: m.name, email: m.email, role: m.role,
    spendCents: microToCents(onDemandMicro),
    overallSpendCents: microToCents(overallMicro),
    fastPremiumRequests: usageCount,
    hardLimitOverrideDollars: m.hardLimitOverrideDollars,
    monthlyLimitDollars: m.monthlyLimitDollars,
    effectivePerUserLimitDollars: effective,
  };
}

/** GET /teams/groups: each member in one group, removed members as former members, ~2 days of dailySpend. */
function groupsBody(sim: Simulation, nowMs: number, cycleDayNum: number): Record<string, unknown> {
  const t = sim.cycleSpendTable(nowMs, cycleDayNum);
  const today = Math.floor(nowMs / DAY_MS);
  const recent = [today - 1, today].map((d) => ({ d, spend: sim.daySpend(d, nowMs) }));
  const member = (m: SimMember, groupCreatedMs: number): RawGroupMember => ({
    userId: m.id, name: m.name, email: m.email,
    joinedAt: iso(Math.max(m.joinDayNum * DAY_MS, groupCreatedMs)),
    leftAt: m.isRemoved && m.lastActiveDayNum !== null ? iso((m.lastActiveDayNum + 1) * DAY_MS) : null,
    spendCents: microToCents(t.overall[m.index]),
  });
  const group = (id: string, name: string, createdMs: number, members: SimMember[]): RawGroup => {
    const current = members.filter((m) => !m.isRemoved).map((m) => member(m, createdMs));
    const former = members.filter((m) => m.isRemoved).map((m) => member(m, createdMs));
    const sum = (f: (m: SimMember) => number) => microToCents(members.reduce((a, m) => a + f(m), 0));
    return {
      id, name, type: 'BILLING', directoryGroupId: null, memberCount: current.length,
      createdAt: iso(createdMs), updatedAt: iso(createdMs), spendCents: sum((m) => t.overall[m.index]),
      currentMembers: current, formerMembers: former,
      dailySpend: recent.map(({ d, spend }) => ({ date: iso(d * DAY_MS).slice(0, 10), spendCents: sum((m) => spend[m.index]) })),
    };
  };
  return {
    groups: sim.groups.map((g) => group(g.id, g.name, g.createdAtMs, sim.members.filter((m) => m.groupIndex === g.index))),
    unassignedGroup: group('group_unassigned', 'Unassigned', sim.team.createdAtMs, sim.members.filter((m) => m.groupIndex === null)),
    billingCycle: { cycleStart: iso(t.cycle.startDayNum * DAY_MS), cycleEnd: iso(t.cycle.endDayNum * DAY_MS) },
  };
}
