import type { Frame } from '../schemas/common';
import type { BadgeId, MembersSort } from '../schemas/tables';
import type { Db } from '../store/db';
import { planExhaustion } from '../digests/plan-exhaustion';
import { median } from '../detect/stats';
import { badgeLines, badgesOf, type BadgeLines } from './badges';
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
  /** Share of the included plan used this cycle (1 = used up); null without a spend snapshot or a known allowance. */
  planUsage: number | null;
  badges: BadgeId[];
  spendRank: number;
  activityRank: number;
}

/** Every person's figures as columns, by position in the window's people (NaN: no spend snapshot for them). */
interface Columns {
  spendMicro: Float64Array;
  requests: Float64Array;
  events: Float64Array;
  cacheReadTokens: Float64Array;
  activeDays: Float64Array;
  agentRequests: Float64Array;
  linesAdded: Float64Array;
  accepts: Float64Array;
  applies: Float64Array;
  lastActiveDay: (string | null)[];
  mostUsedModel: (string | null)[];
  cycleSpendMicro: Float64Array;
  includedMicro: Float64Array;
  onDemandMicro: Float64Array;
  limitDollars: Float64Array;
  planExhaustedDay: (string | null)[];
  usageBasedReqs: Float64Array;
  spendRank: Uint32Array;
  activityRank: Uint32Array;
}

function columns(n: number): Columns {
  const num = () => new Float64Array(n);
  const none = () => new Float64Array(n).fill(NaN);
  const text = () => new Array<string | null>(n).fill(null);
  return {
    spendMicro: num(),
    requests: num(),
    events: num(),
    cacheReadTokens: num(),
    activeDays: num(),
    agentRequests: num(),
    linesAdded: num(),
    accepts: num(),
    applies: num(),
    lastActiveDay: text(),
    mostUsedModel: text(),
    cycleSpendMicro: none(),
    includedMicro: none(),
    onDemandMicro: none(),
    limitDollars: none(),
    planExhaustedDay: text(),
    usageBasedReqs: num(),
    spendRank: new Uint32Array(n),
    activityRank: new Uint32Array(n),
  };
}

const orNull = (x: number) => (Number.isNaN(x) ? null : x);

/**
 * Team-wide member figures for a window: every non-removed member, inactive ones too (removed members
 * only where they spent in it). Kept as columns by person (people in e-mail order); a person's
 * MemberStats is made when a table row or a drilldown asks for it, not for all 10,000 each time.
 */
export class TeamStats {
  /** Positions by spend rank, ties by e-mail. */
  readonly order: Uint32Array;
  readonly badgeLines: BadgeLines;

  /** `at`: each person's position in `people` (e-mail order) and in the figures' columns. */
  constructor(
    readonly window: DayWindow,
    readonly cycle: Cycle | null,
    private readonly people: readonly Row[],
    readonly figures: Columns,
    private readonly at: ReadonlyMap<string, number>,
    /** The plan's included spend a cycle (see planAllowance); null when unknown. */
    readonly planAllowanceMicro: number | null,
  ) {
    this.badgeLines = badgeLines(figures, people.length, window.days);
    this.order = byRank(people, figures.spendRank);
  }

  get size(): number {
    return this.people.length;
  }

  /** Position of a person the window is about. */
  indexOf(email: string): number | undefined {
    return this.at.get(email);
  }

  email(i: number): string {
    return this.people[i][0] as string;
  }

  name(i: number): string {
    return this.people[i][1] as string;
  }

  /** Share of the included plan person i used this cycle: 1 once used up (usage-based requests or on-demand spend). */
  planUsage(i: number): number | null {
    const f = this.figures;
    const included = f.includedMicro[i];
    if (Number.isNaN(included)) return null;
    if (f.planExhaustedDay[i] !== null || f.onDemandMicro[i] > 0) return 1;
    return this.planAllowanceMicro === null ? null : Math.min(1, included / this.planAllowanceMicro);
  }

  badges(i: number): BadgeId[] {
    return badgesOf(this.figures, i, this.badgeLines);
  }

  /** The figures of the person at position i. */
  member(i: number): MemberStats {
    const [email, name, role, groupId, groupName] = this.people[i];
    const f = this.figures;
    return {
      email: email as string,
      name: name as string,
      role: role as string,
      groupId: groupId as string | null,
      groupName: groupName as string | null,
      spendMicro: f.spendMicro[i],
      requests: f.requests[i],
      events: f.events[i],
      cacheReadTokens: f.cacheReadTokens[i],
      activeDays: f.activeDays[i],
      agentRequests: f.agentRequests[i],
      linesAdded: f.linesAdded[i],
      accepts: f.accepts[i],
      applies: f.applies[i],
      lastActiveDay: f.lastActiveDay[i],
      mostUsedModel: f.mostUsedModel[i],
      cycleSpendMicro: orNull(f.cycleSpendMicro[i]),
      includedMicro: orNull(f.includedMicro[i]),
      onDemandMicro: orNull(f.onDemandMicro[i]),
      limitDollars: orNull(f.limitDollars[i]),
      planExhaustedDay: f.planExhaustedDay[i],
      usageBasedReqs: f.usageBasedReqs[i],
      planUsage: this.planUsage(i),
      badges: this.badges(i),
      spendRank: f.spendRank[i],
      activityRank: f.activityRank[i],
    };
  }
}

export type Row = unknown[];

/**
 * SQL RANK() by `values` descending, per position: one plus how many values are greater (ties share
 * a rank, the next rank skips). A typed-array sort and a binary search each: no comparator calls.
 */
function ranksDescending(values: Float64Array, out: Uint32Array): void {
  const sorted = values.slice().sort();
  const n = sorted.length;
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
}

/**
 * Positions of `people` (in email order, as the directory reads it) by rank ascending, ties by email:
 * a typed sort of rank × n + position. SQLite orders emails bytewise, JavaScript by UTF-16 unit, so
 * each run of tied ranks is sorted again in JavaScript's order (a linear pass when they already are).
 */
function byRank(people: readonly Row[], ranks: Uint32Array): Uint32Array {
  const n = people.length;
  // Plain loops: a typed array's from() with a mapping function steps through a generic iterator.
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ranks[i] * n + i;
  keys.sort();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = keys[i] % n;
  const email = (i: number) => people[i][0] as string;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && ranks[out[j]] === ranks[out[i]]) j++;
    if (j - i > 1) out.subarray(i, j).set([...out.subarray(i, j)].sort((a, b) => (email(a) < email(b) ? -1 : 1)));
    i = j;
  }
  return out;
}

// A removed member still counts where they spent in the window: their money was spent, and an
// incident about them must open a drilldown.
const REMOVED_SPENT = `SELECT email FROM members m WHERE m.is_removed = 1
  AND EXISTS (SELECT 1 FROM usage_user_daily u WHERE u.email = m.email AND u.day BETWEEN ?1 AND ?2 AND u.charged_micro > 0)`;
// usage_daily has no index by person (schema/009): for one model, its window is read by day and
// grouped by person instead (one row a person-day: COUNT(*) counts the days).
const MODEL_USAGE = `SELECT email, SUM(charged_micro), SUM(requests), SUM(events), SUM(cache_read_tokens), SUM(
  input_tokens + output_tokens + cache_write_tokens + cache_read_tokens), COUNT(*)
  FROM usage_daily WHERE day BETWEEN ? AND ? AND model = ? GROUP BY email ORDER BY email`;
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

/** A window's usage per person with usage rows in it, as columns by position (`at`). */
export interface WindowTotals {
  emails: string[]; // ascending
  at: Map<string, number>;
  spendMicro: ArrayLike<number>;
  requests: ArrayLike<number>;
  events: ArrayLike<number>;
  cacheReadTokens: ArrayLike<number>;
  tokens: ArrayLike<number>;
  days: ArrayLike<number>; // days with usage rows
}

function indexed(emails: string[]): Map<string, number> {
  const at = new Map<string, number>();
  emails.forEach((e, i) => at.set(e, i));
  return at;
}

/** The window's usage per person, optionally of one model only (shared like windowPeople). */
export function windowTotals(db: Db, window: DayWindow, model?: string, memo: Memo = noMemo): WindowTotals {
  return memo(`totals:${window.fromDay}:${window.toDay}:${model ?? ''}`, () => {
    if (model === undefined) {
      const u = usageWindow(db, window.fromDay, window.toDay, memo);
      const [spendMicro, requests, events, cacheReadTokens, tokens] = [
        U.spend,
        U.requests,
        U.events,
        U.cacheRead,
        U.tokens,
      ].map((k) => u.sums[k]);
      return {
        emails: u.emails,
        at: indexed(u.emails),
        spendMicro,
        requests,
        events,
        cacheReadTokens,
        tokens,
        days: u.days,
      };
    }
    const rows = db.prepare(MODEL_USAGE).raw().all(window.fromDay, window.toDay, model) as [string, ...number[]][];
    const column = (k: number) => Float64Array.from(rows, (r) => r[k] as number);
    const emails = rows.map((r) => r[0]);
    return {
      emails,
      at: indexed(emails),
      spendMicro: column(1),
      requests: column(2),
      events: column(3),
      cacheReadTokens: column(4),
      tokens: column(5),
      days: column(6),
    };
  });
}

/**
 * Figures for every member over the window (removed members only where they spent in it) (optionally only spend on one model). Reads
 * the window's usage and activity packs, the latest spend snapshot and the cycle's plan usage;
 * never usage_events. Ranks and badges are team-wide, so filters are applied after this. `memo`
 * shares the window's people and usage and the plan-exhaustion digest with the other tables.
 */
export function teamStats(db: Db, window: DayWindow, nowMs: number, model?: string, memo: Memo = noMemo): TeamStats {
  const people = windowPeople(db, window, memo);
  const usage = windowTotals(db, window, model, memo);
  const active = activeDays(db, window.fromDay, window.toDay);
  const f = columns(people.length);
  const at = new Map<string, number>();
  people.forEach((r, i) => {
    const email = r[0] as string;
    at.set(email, i);
    const u = usage.at.get(email);
    if (u !== undefined) {
      f.spendMicro[i] = usage.spendMicro[u];
      f.requests[i] = usage.requests[u];
      f.events[i] = usage.events[u];
      f.cacheReadTokens[i] = usage.cacheReadTokens[u];
    }
    const a = active.at.get(email);
    if (a !== undefined) {
      f.activeDays[i] = active.days[a];
      f.agentRequests[i] = active.agentRequests[a];
      f.linesAdded[i] = active.linesAdded[a];
      f.accepts[i] = active.accepts[a];
      f.applies[i] = active.applies[a];
      f.lastActiveDay[i] = active.lastDay(a);
      f.mostUsedModel[i] = active.mostUsed(a);
    }
  });
  // The latest spend snapshot (the digests read the same rows for the current cycle).
  const cycleUsage = new CycleUsageRepo(db, memo);
  const latest = cycleUsage.latestSpendCycleStart();
  for (const [email, total, onDemand, included, limit] of latest === null ? [] : cycleUsage.snapshot(latest)) {
    const i = at.get(email);
    if (i === undefined) continue;
    f.cycleSpendMicro[i] = total;
    f.onDemandMicro[i] = onDemand;
    f.includedMicro[i] = included;
    f.limitDollars[i] = limit ?? NaN;
  }
  const cycles = new CyclesRepo(db);
  const cycle = cycles.resolve(nowMs);
  // The plan-exhaustion digest is the one definition (daily usage, usage events and on-demand spend).
  for (const x of cycle ? (planExhaustion({ cycles, cycleUsage }, nowMs, null, memo)?.users ?? []) : []) {
    const i = at.get(x.email);
    if (i === undefined) continue;
    f.planExhaustedDay[i] = x.firstDay;
    f.usageBasedReqs[i] = x.usageBasedRequests;
  }
  ranksDescending(f.agentRequests, f.activityRank);
  ranksDescending(f.spendMicro, f.spendRank);
  return new TeamStats(window, cycle, people, f, at, planAllowance(f));
}

/**
 * The included spend a person's plan allows a cycle. Cursor's spend endpoint gives each person's
 * included spend so far, not the allowance; of those who ran out (on-demand spend), it is the
 * allowance, so their median is the team's (null while nobody ran out).
 */
function planAllowance(f: Columns): number | null {
  const spent: number[] = [];
  for (let i = 0; i < f.onDemandMicro.length; i++) if (f.onDemandMicro[i] > 0) spent.push(f.includedMicro[i]);
  const m = median(spent);
  return m !== null && m > 0 ? m : null;
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

const SORTS: Record<MembersSort, (s: TeamStats, i: number) => number | string> = {
  spend: (s, i) => s.figures.spendMicro[i],
  activity: (s, i) => s.figures.activeDays[i],
  requests: (s, i) => s.figures.agentRequests[i],
  lines: (s, i) => s.figures.linesAdded[i],
  cost_per_request: ({ figures: f }, i) => (f.requests[i] > 0 ? f.spendMicro[i] / f.requests[i] : 0),
  context: ({ figures: f }, i) => (f.events[i] > 0 ? f.cacheReadTokens[i] / f.events[i] : 0),
  name: (s, i) => s.name(i).toLowerCase(),
  cycle_spend: (s, i) => orNull(s.figures.cycleSpendMicro[i]) ?? 0,
  plan_usage: (s, i) => s.planUsage(i) ?? 0,
};

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
    plan_usage: m.planUsage,
    plan_exhausted: m.planExhaustedDay === null ? null : Date.parse(`${m.planExhaustedDay}T00:00:00Z`),
    limit_usd: m.limitDollars,
    badges: m.badges.join(','),
  };
}

/** The members table: filter (people, search, badge), sort, page. meta.total is the count before paging. */
export function membersTable(stats: TeamStats, req: MembersTableRequest): Frame & { meta: { total: number } } {
  const q = req.q?.trim().toLowerCase();
  const email = (i: number) => stats.email(i);
  let list = Array.from(stats.order).filter(
    (i) =>
      (req.emails === null || req.emails.has(email(i))) &&
      (!q || email(i).includes(q) || stats.name(i).toLowerCase().includes(q)) &&
      (req.badge === undefined || stats.badges(i).includes(req.badge)),
  );
  const sort = req.sort ?? 'spend';
  const key = SORTS[sort];
  const dir = (req.order ?? (sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  // stats.order is already by spend descending, ties by email: the default order needs no sort.
  if (sort !== 'spend' || dir !== -1) {
    // Each key once per person, not twice per comparison.
    const keyed = list.map((i) => ({ k: key(stats, i), i }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * dir || (email(a.i) < email(b.i) ? -1 : 1));
    list = keyed.map((x) => x.i);
  }
  const page = list.slice(req.offset, req.offset + req.limit);
  return {
    ...frame(
      MEMBER_COLUMNS,
      page.map((i) => memberRow(stats.member(i))),
    ),
    meta: { total: list.length },
  };
}
