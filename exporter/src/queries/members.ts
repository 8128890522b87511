import type { Frame } from '../api/schemas/common';
import type { BadgeId, MembersSort } from '../api/schemas/tables';
import type { Db } from '../store/db';
import { assignBadges } from './badges';
import { currentCycle, type Cycle } from './cycle';
import { col, frame, ratio, usd } from './frame';
import { peopleCond, type PeopleFilter } from './scope';
import { usageSource } from './usage-source';
import type { DayWindow } from './window';

/** One team member's figures for a window: what the members table, top spenders and drilldown show. */
export interface MemberStats {
  email: string;
  name: string;
  role: string;
  groupId: string | null;
  groupName: string | null;
  spendMicro: number; // charged, in the window
  requests: number; // billable request units, in the window
  events: number;
  cacheReadTokens: number;
  agentRequests: number;
  linesAdded: number;
  accepts: number;
  applies: number;
  activeDays: number;
  lastActiveDay: string | null;
  mostUsedModel: string | null;
  cycleSpendMicro: number | null;
  includedMicro: number | null;
  onDemandMicro: number | null;
  limitDollars: number | null;
  planExhaustedDay: string | null;
  usageBasedReqs: number;
  badges: BadgeId[];
  spendRank: number;
  activityRank: number;
}

export interface TeamStats {
  window: DayWindow;
  cycle: Cycle | null;
  members: MemberStats[]; // every non-removed member, inactive ones too, ordered by spend rank
}

type Agg<T> = Map<string, T>;

function byEmail<T extends { email: string }>(rows: T[]): Agg<T> {
  return new Map(rows.map((r) => [r.email, r]));
}

/** SQL RANK(): ties share a rank, the next rank skips. */
function ranks(list: MemberStats[], value: (m: MemberStats) => number): Map<string, number> {
  const sorted = [...list].sort((a, b) => value(b) - value(a));
  const out = new Map<string, number>();
  sorted.forEach((m, i) => out.set(m.email, i > 0 && value(sorted[i - 1]) === value(m) ? out.get(sorted[i - 1].email)! : i + 1));
  return out;
}

/**
 * Figures for every non-removed member over the window (optionally only spend on one model). Reads
 * the rollups, daily_usage over the window, the latest spend snapshot and the cycle's plan usage;
 * never usage_events. Ranks and badges are team-wide, so filters are applied after this.
 */
export function teamStats(db: Db, window: DayWindow, nowMs: number, model?: string): TeamStats {
  const range = [window.fromDay, window.toDay];
  const people = db
    .prepare(
      `SELECT m.email, m.name, m.role, gm.group_id AS groupId, g.name AS groupName
       FROM members m LEFT JOIN group_members gm ON gm.email = m.email LEFT JOIN billing_groups g ON g.id = gm.group_id
       WHERE m.is_removed = 0`,
    )
    .all() as Pick<MemberStats, 'email' | 'name' | 'role' | 'groupId' | 'groupName'>[];
  const src = usageSource({ model: model !== undefined, email: true });
  const usage = byEmail(
    db
      .prepare(
        `SELECT email, ${src.spend} AS spend, ${src.requests} AS requests, ${src.events} AS events, ${src.cacheRead} AS cacheRead
         FROM ${src.table} WHERE day BETWEEN ? AND ? ${model !== undefined ? 'AND model = ?' : ''} GROUP BY email`,
      )
      .all(...range, ...(model !== undefined ? [model] : [])) as { email: string; spend: number; requests: number; events: number; cacheRead: number }[],
  );
  const activity = byEmail(
    db
      .prepare(
        `SELECT email, COUNT(*) AS days, SUM(agent_requests) AS agent, SUM(lines_added) AS lines, SUM(accepts) AS accepts,
           SUM(applies) AS applies, MAX(day) AS last
         FROM daily_usage WHERE day BETWEEN ? AND ? AND is_active = 1 GROUP BY email`,
      )
      .all(...range) as { email: string; days: number; agent: number; lines: number; accepts: number; applies: number; last: string }[],
  );
  const topModel = new Map<string, { model: string; reqs: number }>();
  const modelRows = db
    .prepare(
      `SELECT email, most_used_model AS model, SUM(agent_requests) AS reqs FROM daily_usage
       WHERE day BETWEEN ? AND ? AND is_active = 1 AND most_used_model IS NOT NULL GROUP BY email, most_used_model`,
    )
    .all(...range) as { email: string; model: string; reqs: number }[];
  for (const r of modelRows) {
    const best = topModel.get(r.email);
    if (!best || r.reqs > best.reqs) topModel.set(r.email, r);
  }
  const cycle = currentCycle(db, nowMs);
  const spend = byEmail(
    db
      .prepare(
        `SELECT email, total_micro AS total, included_micro AS included, on_demand_micro AS onDemand, effective_limit_dollars AS lim
         FROM spend_snapshots WHERE cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots)`,
      )
      .all() as { email: string; total: number; included: number; onDemand: number; lim: number | null }[],
  );
  const exhausted = cycle ? planExhaustion(db, cycle) : new Map<string, { first: string; reqs: number }>();

  const members: MemberStats[] = people.map((p) => {
    const u = usage.get(p.email);
    const a = activity.get(p.email);
    const s = spend.get(p.email);
    const x = exhausted.get(p.email);
    return {
      ...p,
      spendMicro: u?.spend ?? 0,
      requests: u?.requests ?? 0,
      events: u?.events ?? 0,
      cacheReadTokens: u?.cacheRead ?? 0,
      agentRequests: a?.agent ?? 0,
      linesAdded: a?.lines ?? 0,
      accepts: a?.accepts ?? 0,
      applies: a?.applies ?? 0,
      activeDays: a?.days ?? 0,
      lastActiveDay: a?.last ?? null,
      mostUsedModel: topModel.get(p.email)?.model ?? null,
      cycleSpendMicro: s?.total ?? null,
      includedMicro: s?.included ?? null,
      onDemandMicro: s?.onDemand ?? null,
      limitDollars: s?.lim ?? null,
      planExhaustedDay: x?.first ?? null,
      usageBasedReqs: x?.reqs ?? 0,
      badges: [],
      spendRank: 0,
      activityRank: 0,
    };
  });
  const badges = assignBadges(
    members.map((m) => ({ ...m, avgCacheRead: m.events > 0 && m.cacheReadTokens > 0 ? m.cacheReadTokens / m.events : null })),
    window.days,
  );
  const spendRanks = ranks(members, (m) => m.spendMicro);
  const activityRanks = ranks(members, (m) => m.agentRequests);
  for (const m of members) {
    m.badges = badges.get(m.email) ?? [];
    m.spendRank = spendRanks.get(m.email)!;
    m.activityRank = activityRanks.get(m.email)!;
  }
  members.sort((a, b) => a.spendRank - b.spendRank || (a.email < b.email ? -1 : 1));
  return { window, cycle, members };
}

/** First day of the cycle each person used usage-based (overage) requests, and how many since. */
export function planExhaustion(db: Db, cycle: Cycle): Map<string, { first: string; reqs: number }> {
  const rows = db
    .prepare(
      `SELECT email, MIN(day) AS first, SUM(usage_based_reqs) AS reqs FROM daily_usage
       WHERE day BETWEEN ? AND ? AND usage_based_reqs > 0 GROUP BY email`,
    )
    .all(cycle.startDay, cycle.lastDay) as { email: string; first: string; reqs: number }[];
  return new Map(rows.map((r) => [r.email, r]));
}

/** Emails the people filter selects (null = everyone). */
export function selectedEmails(db: Db, f: PeopleFilter): Set<string> | null {
  const c = peopleCond(db, f, 'email');
  if (c.sql === '1') return null;
  return new Set(db.prepare(`SELECT email FROM members WHERE ${c.sql}`).pluck().all(...c.params) as string[]);
}

const SORTS: Record<MembersSort, (m: MemberStats) => number | string> = {
  spend: (m) => m.spendMicro,
  activity: (m) => m.activeDays,
  requests: (m) => m.agentRequests,
  lines: (m) => m.linesAdded,
  cost_per_request: (m) => (m.requests > 0 ? m.spendMicro / m.requests : 0),
  context: (m) => (m.events > 0 ? m.cacheReadTokens / m.events : 0),
  name: (m) => m.name.toLowerCase(),
  cycle_spend: (m) => m.cycleSpendMicro ?? 0,
  plan_usage: (m) => planUsage(m) ?? 0,
};

/** Share of the included plan used this cycle (1 = exhausted); null without a spend snapshot. */
function planUsage(m: MemberStats): number | null {
  if (m.includedMicro === null || m.cycleSpendMicro === null) return null;
  if (m.planExhaustedDay !== null || (m.onDemandMicro ?? 0) > 0) return 1;
  return m.cycleSpendMicro > 0 ? m.includedMicro / m.cycleSpendMicro : 0;
}

export interface MembersTableRequest {
  q?: string;
  sort?: MembersSort;
  order?: 'asc' | 'desc';
  badge?: BadgeId;
  limit: number;
  offset: number;
  emails: Set<string> | null;
}

export const MEMBER_COLUMNS = [
  col.num('spend_rank'),
  col.num('activity_rank'),
  col.str('email'),
  col.str('name'),
  col.str('role'),
  col.str('group'),
  col.usd('spend_usd'),
  col.num('requests'),
  col.num('agent_requests'),
  col.num('lines_added'),
  col.usd('cost_per_request_usd'),
  col.num('avg_context_tokens'),
  col.str('model'),
  col.num('active_days'),
  col.time('last_active'),
  col.usd('cycle_spend_usd'),
  col.usd('included_usd'),
  col.usd('on_demand_usd'),
  col.num('plan_usage', 'percentunit'),
  col.time('plan_exhausted'),
  col.usd('limit_usd'),
  col.str('badges'),
];

export function memberRow(m: MemberStats) {
  return {
    spend_rank: m.spendRank,
    activity_rank: m.activityRank,
    email: m.email,
    name: m.name,
    role: m.role,
    group: m.groupName,
    spend_usd: usd(m.spendMicro),
    requests: m.requests,
    agent_requests: m.agentRequests,
    lines_added: m.linesAdded,
    cost_per_request_usd: m.requests > 0 ? usd(m.spendMicro) / m.requests : null,
    avg_context_tokens: ratio(m.cacheReadTokens, m.events),
    model: m.mostUsedModel,
    active_days: m.activeDays,
    last_active: m.lastActiveDay === null ? null : Date.parse(`${m.lastActiveDay}T00:00:00Z`),
    cycle_spend_usd: m.cycleSpendMicro === null ? null : usd(m.cycleSpendMicro),
    included_usd: m.includedMicro === null ? null : usd(m.includedMicro),
    on_demand_usd: m.onDemandMicro === null ? null : usd(m.onDemandMicro),
    plan_usage: planUsage(m),
    plan_exhausted: m.planExhaustedDay === null ? null : Date.parse(`${m.planExhaustedDay}T00:00:00Z`),
    limit_usd: m.limitDollars,
    badges: m.badges.join(','),
  };
}

/** The members table: filter (people, search, badge), sort, page. meta.total is the count before paging. */
export function membersTable(stats: TeamStats, req: MembersTableRequest): Frame & { meta: { total: number } } {
  const q = req.q?.trim().toLowerCase();
  let list = stats.members.filter(
    (m) =>
      (req.emails === null || req.emails.has(m.email)) &&
      (!q || m.email.includes(q) || m.name.toLowerCase().includes(q)) &&
      (req.badge === undefined || m.badges.includes(req.badge)),
  );
  const sort = req.sort ?? 'spend';
  const key = SORTS[sort];
  const dir = (req.order ?? (sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  list = [...list].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.email < b.email ? -1 : 1);
  });
  const page = list.slice(req.offset, req.offset + req.limit);
  return { ...frame(MEMBER_COLUMNS, page.map(memberRow)), meta: { total: list.length } };
}
