import type { Frame } from '../schemas/common';
import type { BadgeId, MembersSort } from '../schemas/tables';
import type { Db } from '../store/db';
import { planExhaustion } from '../digests/plan-exhaustion';
import { assignBadges } from './badges';
import { CyclesRepo, type CycleInfo as Cycle } from '../store/cycle';
import { CycleUsageRepo, type Memo } from '../store/cycle-usage';
import { MembersRepo } from '../store/members';
import { col, frame, ratio, usd } from './frame';
import { activeDays } from '../store/activity-day-packs';
import { U, usageWindow } from '../store/usage-day-packs';
import { peopleCond, type PeopleFilter } from './scope';
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

export type Row = unknown[];

/** Raw rows keyed by their first column (email). */
function byEmail<R extends Row>(rows: R[]): Map<string, R> {
  return new Map(rows.map((r) => [r[0] as string, r]));
}

/**
 * SQL RANK() by `values` descending, per position: one plus how many values are greater (ties share
 * a rank, the next rank skips). A typed-array sort and a binary search each: no comparator calls.
 */
function ranksDescending(values: Float64Array): Uint32Array {
  const sorted = values.slice().sort();
  const n = sorted.length;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= values[i]) lo = mid + 1;
      else hi = mid;
    }
    out[i] = n - lo + 1;
  }
  return out;
}

/**
 * `list` (in email order, as PEOPLE reads it) by rank ascending, ties by email: a typed sort of
 * rank × n + position. SQLite orders emails bytewise, JavaScript by UTF-16 unit, so each run of tied
 * ranks is sorted again in JavaScript's order (a linear pass when they already are).
 */
function byRank<T extends { email: string }>(list: T[], ranks: Uint32Array): T[] {
  const n = list.length;
  const keys = Float64Array.from(ranks, (r, i) => r * n + i).sort();
  const out = Array.from(keys, (k) => list[k % n]);
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && ranks[keys[j] % n] === ranks[keys[i] % n]) j++;
    if (j - i > 1) {
      const tied = out.slice(i, j).sort((a, b) => (a.email < b.email ? -1 : 1));
      for (let t = 0; t < tied.length; t++) out[i + t] = tied[t];
    }
    i = j;
  }
  return out;
}

// A removed member still counts where they spent in the window: their money was spent, and an
// incident about them must open a drilldown.
const REMOVED_SPENT = `SELECT email FROM members m WHERE m.is_removed = 1
  AND EXISTS (SELECT 1 FROM usage_user_daily u WHERE u.email = m.email AND u.day BETWEEN ?1 AND ?2 AND u.charged_micro > 0)`;
// usage_daily has no index by person (schema/009): for one model, its window is read by day and
// grouped by person instead.
const MODEL_USAGE = `SELECT email, SUM(charged_micro), SUM(requests), SUM(events), SUM(cache_read_tokens)
  FROM usage_daily WHERE day BETWEEN ? AND ? AND model = ? GROUP BY email`;
// Everyone's usage and activity: the window's day packs summed (store/day-packs.ts), not every
// person-day row.
const USAGE_SUMS = ['charged_micro', 'requests', 'events', 'cache_read_tokens', 'tokens', 'rows'] as const;
/** Where each window total sits in a windowUsage row, after the email (one model's rows end at cache_read_tokens). */
export const USAGE_AT = Object.fromEntries(USAGE_SUMS.map((c, i) => [c, i + 1])) as Record<
  (typeof USAGE_SUMS)[number],
  number
>;
const noMemo: Memo = (_key, f) => f();

/**
 * [email, name, role, group id, group name, removed] of everyone the window's figures are about:
 * the current members and the removed ones who spent in it, in e-mail order (the team directory,
 * store/members.ts, kept until it changes). `memo` shares it with the other whole-team tables of the
 * window (read, never changed).
 */
export function windowPeople(db: Db, window: DayWindow, memo: Memo = noMemo): Row[] {
  return memo(`people:${window.fromDay}:${window.toDay}`, () => {
    const spent = new Set(db.prepare(REMOVED_SPENT).pluck().all({ 1: window.fromDay, 2: window.toDay }) as string[]);
    return new MembersRepo(db).directory().filter((r) => r[5] === 0 || spent.has(r[0]));
  });
}

/** [email, spend, requests, events, cache-read tokens] per person in the window, optionally of one model only (shared like windowPeople). */
export function windowUsage(db: Db, window: DayWindow, model?: string, memo: Memo = noMemo): Map<string, Row> {
  return memo(`usage:${window.fromDay}:${window.toDay}:${model ?? ''}`, () => {
    if (model !== undefined)
      return byEmail(db.prepare(MODEL_USAGE).raw().all(window.fromDay, window.toDay, model) as Row[]);
    const u = usageWindow(db, window.fromDay, window.toDay, memo);
    const at = [U.spend, U.requests, U.events, U.cacheRead, U.tokens].map((k) => u.sums[k]);
    return new Map(u.emails.map((e, i) => [e, [e, ...at.map((col) => col[i]), u.days[i]]]));
  });
}

/**
 * Figures for every member over the window (removed members only where they spent in it) (optionally only spend on one model). Reads
 * the rollups, daily_usage over the window, the latest spend snapshot and the cycle's plan usage;
 * never usage_events. Ranks and badges are team-wide, so filters are applied after this. `memo`
 * shares the window's people and usage and the plan-exhaustion digest with the other tables.
 */
export function teamStats(db: Db, window: DayWindow, nowMs: number, model?: string, memo: Memo = noMemo): TeamStats {
  const people = windowPeople(db, window, memo);
  const usage = windowUsage(db, window, model, memo);
  const active = activeDays(db, window.fromDay, window.toDay);
  const cycleUsage = new CycleUsageRepo(db, memo);
  // The latest spend snapshot (the digests read the same rows for the current cycle).
  const latest = cycleUsage.latestSpendCycleStart();
  const spend = byEmail(latest === null ? [] : cycleUsage.snapshot(latest));
  const cycles = new CyclesRepo(db);
  const cycle = cycles.resolve(nowMs);
  // The plan-exhaustion digest is the one definition (daily usage, usage events and on-demand spend).
  const exhausted = new Map(
    (cycle ? (planExhaustion({ cycles, cycleUsage }, nowMs, null, memo)?.users ?? []) : []).map((u) => [u.email, u]),
  );

  const members = people.map(([email, name, role, groupId, groupName]): MemberStats => {
    const e = email as string;
    const u = usage.get(e);
    const a = active.get(e);
    const s = spend.get(e);
    const x = exhausted.get(e);
    return {
      email: e,
      name: name as string,
      role: role as string,
      groupId: groupId as string | null,
      groupName: groupName as string | null,
      spendMicro: (u?.[USAGE_AT.charged_micro] as number) ?? 0,
      requests: (u?.[USAGE_AT.requests] as number) ?? 0,
      events: (u?.[USAGE_AT.events] as number) ?? 0,
      cacheReadTokens: (u?.[USAGE_AT.cache_read_tokens] as number) ?? 0,
      activeDays: (a?.[1] as number) ?? 0,
      agentRequests: (a?.[2] as number) ?? 0,
      linesAdded: (a?.[3] as number) ?? 0,
      accepts: (a?.[4] as number) ?? 0,
      applies: (a?.[5] as number) ?? 0,
      lastActiveDay: (a?.[6] as string) ?? null,
      mostUsedModel: (a?.[7] as string | null) ?? null,
      cycleSpendMicro: s?.[1] ?? null,
      includedMicro: s?.[3] ?? null,
      onDemandMicro: s?.[2] ?? null,
      limitDollars: s?.[4] ?? null,
      planExhaustedDay: x?.firstDay ?? null,
      usageBasedReqs: x?.usageBasedRequests ?? 0,
      badges: [],
      spendRank: 0,
      activityRank: 0,
    };
  });
  // MemberStats carries every badge input: no copy per person.
  const badges = assignBadges(members, window.days);
  const activityRanks = ranksDescending(Float64Array.from(members, (m) => m.agentRequests));
  const spendRanks = ranksDescending(Float64Array.from(members, (m) => m.spendMicro));
  members.forEach((m, i) => {
    m.badges = badges[i];
    m.activityRank = activityRanks[i];
    m.spendRank = spendRanks[i];
  });
  const ordered = byRank(members, spendRanks);
  return { window, cycle, members: ordered };
}

/** Emails the people filter selects (null = everyone). */
export function selectedEmails(db: Db, f: PeopleFilter): Set<string> | null {
  const c = peopleCond(db, f, 'email');
  if (c.sql === '1') return null;
  return new Set(
    db
      .prepare(`SELECT email FROM members WHERE ${c.sql}`)
      .pluck()
      .all(...c.params) as string[],
  );
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
  // stats.members is already by spend descending, ties by email: the default order needs no sort.
  if (sort !== 'spend' || dir !== -1) {
    // Each key once per person, not twice per comparison.
    const keyed = list.map((m) => ({ k: key(m), m }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * dir || (a.m.email < b.m.email ? -1 : 1));
    list = keyed.map((x) => x.m);
  }
  const page = list.slice(req.offset, req.offset + req.limit);
  return { ...frame(MEMBER_COLUMNS, page.map(memberRow)), meta: { total: list.length } };
}
