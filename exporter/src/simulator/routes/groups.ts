/** GET /teams/groups (cursor-api.md §2.7): each member in one group, removed members as former members, ~2 days of dailySpend. */
import { DAY_MS } from '../../domain/time';
import { badRequest } from '../http';
import { microToCents, type RawGroup, type RawGroupMember } from '../shapes';
import type { Simulation } from '../simulation';
import type { SimMember } from '../team';
import { iso, type SimRoute } from './route';

export const groupsRoute: SimRoute = {
  method: 'GET',
  url: '/teams/groups',
  kind: 'admin',
  build(req, sim, nowMs) {
    const q = req.query as Record<string, string | undefined>;
    let cycleDayNum = Math.floor(nowMs / DAY_MS);
    if (q.billingCycle !== undefined) {
      const ms = Date.parse(q.billingCycle);
      if (Number.isNaN(ms)) throw badRequest('billingCycle must be an ISO date');
      cycleDayNum = Math.floor(ms / DAY_MS);
    }
    return { body: groupsBody(sim, nowMs, cycleDayNum), listKey: 'groups' };
  },
};

function groupsBody(sim: Simulation, nowMs: number, cycleDayNum: number): Record<string, unknown> {
  const t = sim.cycleSpendTable(nowMs, cycleDayNum);
  const today = Math.floor(nowMs / DAY_MS);
  const recent = [today - 1, today].map((d) => ({ d, spend: sim.daySpend(d, nowMs) }));
  const member = (m: SimMember, groupCreatedMs: number): RawGroupMember => ({
    userId: m.id,
    name: m.name,
    email: m.email,
    joinedAt: iso(Math.max(m.joinDayNum * DAY_MS, groupCreatedMs)),
    leftAt: m.isRemoved && m.lastActiveDayNum !== null ? iso((m.lastActiveDayNum + 1) * DAY_MS) : null,
    spendCents: microToCents(t.overall[m.index]),
  });
  const group = (id: string, name: string, createdMs: number, members: SimMember[]): RawGroup => {
    const current = members.filter((m) => !m.isRemoved).map((m) => member(m, createdMs));
    const former = members.filter((m) => m.isRemoved).map((m) => member(m, createdMs));
    const sum = (f: (m: SimMember) => number) => microToCents(members.reduce((a, m) => a + f(m), 0));
    return {
      id,
      name,
      type: 'BILLING',
      directoryGroupId: null,
      memberCount: current.length,
      createdAt: iso(createdMs),
      updatedAt: iso(createdMs),
      spendCents: sum((m) => t.overall[m.index]),
      currentMembers: current,
      formerMembers: former,
      dailySpend: recent.map(({ d, spend }) => ({
        date: iso(d * DAY_MS).slice(0, 10),
        spendCents: sum((m) => spend[m.index]),
      })),
    };
  };
  return {
    groups: sim.groups.map((g) =>
      group(
        g.id,
        g.name,
        g.createdAtMs,
        sim.members.filter((m) => m.groupIndex === g.index),
      ),
    ),
    unassignedGroup: group(
      'group_unassigned',
      'Unassigned',
      sim.team.createdAtMs,
      sim.members.filter((m) => m.groupIndex === null),
    ),
    billingCycle: { cycleStart: iso(t.cycle.startDayNum * DAY_MS), cycleEnd: iso(t.cycle.endDayNum * DAY_MS) },
  };
}
