import type { BillingCycle } from '../domain/records';
import { DAY_MS, HOUR_MS, dayStartMs, daysBetween } from '../domain/time';

/**
 * Facts: everything the detectors read, as plain arrays. Per-user daily series are dense typed
 * arrays indexed [user * days.length + day] so trailing windows are index arithmetic and a missing
 * day is a zero. Plain data: the store's DetectionFactsRepo loads them, tests build them by hand.
 *
 * Spend is the charged amount over all events (included ones too): it measures what a person
 * consumes, which is what an anomaly is about, whoever pays. Requests are usage events (one per request).
 */

export interface UserFact {
  email: string;
  name: string;
  groupIdx: number; // index into Facts.groups, −1 when in no group
  limitUsd: number | null; // the person's own on-demand spend limit in Cursor (latest spend snapshot), null = none
}

export interface GroupFact {
  id: string;
  name: string;
}

/**
 * Spend and requests per (user, day, model), in columns grouped by user (ascending day within a
 * user): rows of user u are k = start[u] … start[u + 1] − 1. Columns, not an object per row: half a
 * million small objects per pass were a fifth of a detection pass in allocation and GC.
 */
export interface ModelUse {
  start: Int32Array; // users.length + 1 offsets
  d: Int32Array; // day index
  m: Int32Array; // index into Facts.models
  spendMicro: Float64Array;
  requests: Float64Array;
}

/** Spend per clock hour for the burn-rate windows, team-wide and per group. */
export interface HourlySpend {
  startMs: number; // hour-aligned start of bucket 0
  endMs: number; // end of the data (exclusive); burn windows end here
  team: Float64Array;
  byGroup: Float64Array[]; // indexed like Facts.groups
}

export interface Facts {
  days: string[]; // contiguous, ascending
  users: UserFact[];
  groups: GroupFact[];
  spend: Float64Array; // micro-cents
  requests: Float64Array;
  tokens: Float64Array;
  usageBased: Float64Array; // usage-based (beyond the plan) events
  onDemand: Float64Array; // micro-cents of chargeable (on-demand) events
  models: string[];
  modelUse: ModelUse;
  cycles: BillingCycle[]; // ascending by start
  hourly: HourlySpend | null;
  limitedUsers: { count: number; asOfMs: number } | null;
  /** The cycle the people's limits (UserFact.limitUsd) belong to; null = every cycle (fixtures). */
  limitsCycleStartMs: number | null;
  /**
   * Limits from the snapshots of EARLIER cycles (cycle start ms → user index → dollars), so a
   * backtest judges a past cycle by the limits people had then. Absent: earlier cycles have none.
   */
  pastLimits?: Map<number, Map<number, number>>;
}

export interface UsageInput {
  day: string;
  email: string;
  model: string;
  spendMicro: number;
  requests: number;
  tokens?: number;
  usageBased?: number;
  onDemandMicro?: number;
}

export interface FactsInput {
  fromDay: string;
  toDay: string;
  usage: UsageInput[];
  members?: { email: string; name: string; groupId?: string | null; limitUsd?: number | null }[];
  groups?: GroupFact[];
  cycles?: BillingCycle[];
  hourly?: { email: string; hourMs: number; spendMicro: number }[];
  hourlyEndMs?: number;
  limitedUsers?: { count: number; asOfMs: number } | null;
}

/** The per-day measures a usage row adds to: spend, requests, tokens, usage-based events, on-demand spend. */
const MEASURES = 5;

/** Accumulates facts row by row, so the store's loader streams rows without building objects. */
export class FactsBuilder {
  private readonly days: string[];
  private readonly dayIdx = new Map<string, number>();
  private readonly userIdx = new Map<string, number>();
  private readonly groupIdx = new Map<string, number>();
  private readonly modelIdx = new Map<string, number>();
  private readonly users: UserFact[] = [];
  private readonly groups: GroupFact[] = [];
  private readonly models: string[] = [];
  // Per-user daily sums, filled as rows arrive: the five measures of a (user, day) side by side at
  // [(user * days + day) * 5 + measure], so a row writes one place, not five far apart; build()
  // splits them. Rows beyond `denseUsers` people grow it. Only modelUse keeps a column per row
  // (growable typed arrays): ~560k rows per pass, no object per row, and no per-row copy of the
  // measures the sums already hold.
  private denseUsers = 0;
  private sums = new Float64Array(0);
  private n = 0;
  private cols = {
    u: new Int32Array(1024),
    d: new Int32Array(1024),
    m: new Int32Array(1024),
    spend: new Float64Array(1024),
    req: new Float64Array(1024),
  };
  private lastDay = '';
  private lastDayIdx = -1;
  private readonly hourRows: { u: number; hourMs: number; spend: number }[] = [];
  private readonly pastLimits = new Map<number, Map<number, number>>();

  constructor({ fromDay, toDay }: { fromDay: string; toDay: string }) {
    if (dayStartMs(fromDay) > dayStartMs(toDay)) throw new Error(`facts window ${fromDay}…${toDay} is empty`);
    this.days = daysBetween(fromDay, toDay);
    this.days.forEach((d, i) => this.dayIdx.set(d, i));
  }

  group(id: string, name: string): number {
    let g = this.groupIdx.get(id);
    if (g === undefined) {
      g = this.groups.push({ id, name }) - 1;
      this.groupIdx.set(id, g);
    } else this.groups[g].name = name;
    return g;
  }

  user(email: string, name?: string, groupId?: string | null): number {
    let u = this.userIdx.get(email);
    if (u === undefined) {
      u = this.users.push({ email, name: name || email, groupIdx: -1, limitUsd: null }) - 1;
      this.userIdx.set(email, u);
    } else if (name) this.users[u].name = name;
    if (groupId) this.users[u].groupIdx = this.groupIdx.get(groupId) ?? this.group(groupId, groupId);
    return u;
  }

  limit(email: string, limitUsd: number | null): void {
    this.users[this.user(email)].limitUsd = limitUsd;
  }

  /** A limit from an earlier cycle's snapshot. */
  pastLimit(cycleStartMs: number, email: string, limitUsd: number): void {
    const cycle = this.pastLimits.get(cycleStartMs) ?? new Map<number, number>();
    cycle.set(this.user(email), limitUsd);
    this.pastLimits.set(cycleStartMs, cycle);
  }

  /** Room for `more` usage rows beyond those added: one allocation of that size, not a doubling per power of two. */
  reserve(more: number): void {
    if (this.n + more > this.cols.u.length) this.grow(this.n + more);
  }

  /** The index of `day` in the window, −1 outside it. */
  dayIndex(day: string): number {
    return this.dayIdx.get(day) ?? -1;
  }

  /** The index of `model` in Facts.models, added when new. */
  model(name: string): number {
    let m = this.modelIdx.get(name);
    if (m === undefined) {
      m = this.models.push(name) - 1;
      this.modelIdx.set(name, m);
    }
    return m;
  }

  /** Rows outside the window are ignored (callers may over-select). */
  usageRow(
    day: string,
    email: string,
    model: string,
    spendMicro: number,
    requests: number,
    tokens = 0,
    usageBased = 0,
    onDemandMicro = 0,
  ): void {
    // Rows arrive ordered by day from the loader: one map lookup per day, not per row.
    if (day !== this.lastDay) {
      this.lastDay = day;
      this.lastDayIdx = this.dayIndex(day);
    }
    const d = this.lastDayIdx;
    if (d < 0) return;
    const u = this.userIdx.get(email) ?? this.user(email);
    this.usageAt(d, u, this.model(model), spendMicro, requests, tokens, usageBased, onDemandMicro);
  }

  /** A usage row by indices: day `d` (dayIndex), user `u` (user()), model `m` (model()). */
  usageAt(
    d: number,
    u: number,
    m: number,
    spendMicro: number,
    requests: number,
    tokens: number,
    usageBased: number,
    onDemandMicro: number,
  ): void {
    if (u >= this.denseUsers) this.growDense();
    const x = (u * this.days.length + d) * MEASURES;
    const sums = this.sums;
    sums[x] += spendMicro;
    sums[x + 1] += requests;
    sums[x + 2] += tokens;
    sums[x + 3] += usageBased;
    sums[x + 4] += onDemandMicro;
    if (this.n === this.cols.u.length) this.grow(this.n + (this.n >> 1));
    const c = this.cols;
    const i = this.n++;
    c.u[i] = u;
    c.d[i] = d;
    c.m[i] = m;
    c.spend[i] = spendMicro;
    c.req[i] = requests;
  }

  private grow(size: number): void {
    const c = this.cols;
    const more = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.cols = { u: more(c.u), d: more(c.d), m: more(c.m), spend: more(c.spend), req: more(c.req) };
  }

  /** Room in the dense sums for every person known now (and some who may turn up only in usage rows). */
  private growDense(): void {
    this.denseUsers = this.users.length + 64;
    const sums = new Float64Array(this.denseUsers * this.days.length * MEASURES);
    sums.set(this.sums);
    this.sums = sums;
  }

  hourRow(email: string, hourMs: number, spendMicro: number): void {
    this.hourRows.push({ u: this.user(email), hourMs, spend: spendMicro });
  }

  build(
    extra: {
      cycles?: BillingCycle[];
      hourlyEndMs?: number;
      limitedUsers?: Facts['limitedUsers'];
      limitsCycleStartMs?: number | null;
    } = {},
  ): Facts {
    const nD = this.days.length;
    const nU = this.users.length;
    if (nU > this.denseUsers) this.growDense();
    const cells = nU * nD;
    const [spend, requests, tokens, usageBased, onDemand] = Array.from(
      { length: MEASURES },
      () => new Float64Array(cells),
    );
    const sums = this.sums;
    for (let i = 0, x = 0; i < cells; i++, x += MEASURES) {
      spend[i] = sums[x];
      requests[i] = sums[x + 1];
      tokens[i] = sums[x + 2];
      usageBased[i] = sums[x + 3];
      onDemand[i] = sums[x + 4];
    }
    return {
      days: this.days,
      users: this.users,
      groups: this.groups,
      spend,
      requests,
      tokens,
      usageBased,
      onDemand,
      models: this.models,
      modelUse: this.modelUse(nU, nD),
      cycles: [...(extra.cycles ?? [])].sort((a, b) => a.startMs - b.startMs),
      hourly: this.buildHourly(extra.hourlyEndMs),
      limitedUsers: extra.limitedUsers ?? null,
      limitsCycleStartMs: extra.limitsCycleStartMs ?? null,
      ...(this.pastLimits.size > 0 ? { pastLimits: this.pastLimits } : {}),
    };
  }

  /** The rows grouped by user, ascending day within each (two stable counting sorts: by day, then by user). */
  private modelUse(nU: number, nD: number): ModelUse {
    const c = this.cols;
    const n = this.n;
    const byDay = new Int32Array(n);
    const dayStart = new Int32Array(nD + 1);
    for (let r = 0; r < n; r++) dayStart[c.d[r] + 1]++;
    for (let d = 0; d < nD; d++) dayStart[d + 1] += dayStart[d];
    for (let r = 0; r < n; r++) byDay[dayStart[c.d[r]]++] = r;
    const start = new Int32Array(nU + 1);
    for (let r = 0; r < n; r++) start[c.u[r] + 1]++;
    for (let u = 0; u < nU; u++) start[u + 1] += start[u];
    const next = start.slice(0, nU);
    const out: ModelUse = {
      start,
      d: new Int32Array(n),
      m: new Int32Array(n),
      spendMicro: new Float64Array(n),
      requests: new Float64Array(n),
    };
    for (let j = 0; j < n; j++) {
      const r = byDay[j];
      const k = next[c.u[r]]++;
      out.d[k] = c.d[r];
      out.m[k] = c.m[r];
      out.spendMicro[k] = c.spend[r];
      out.requests[k] = c.req[r];
    }
    return out;
  }

  private buildHourly(endMs: number | undefined): HourlySpend | null {
    if (this.hourRows.length === 0 && endMs === undefined) return null;
    // Loops, not Math.min(...rows): a whole-window backtest has more rows than the argument limit.
    let end = endMs ?? -Infinity;
    if (endMs === undefined) for (const r of this.hourRows) end = Math.max(end, r.hourMs + HOUR_MS);
    let startMs = end - 3 * DAY_MS;
    for (const r of this.hourRows) startMs = Math.min(startMs, r.hourMs);
    const start = Math.floor(startMs / HOUR_MS) * HOUR_MS;
    const n = Math.ceil((end - start) / HOUR_MS);
    const team = new Float64Array(n);
    const byGroup = this.groups.map(() => new Float64Array(n));
    for (const r of this.hourRows) {
      const h = Math.floor((r.hourMs - start) / HOUR_MS);
      if (h < 0 || h >= n || r.hourMs >= end) continue;
      team[h] += r.spend;
      const g = this.users[r.u].groupIdx;
      if (g >= 0) byGroup[g][h] += r.spend;
    }
    return { startMs: start, endMs: end, team, byGroup };
  }
}

/** Builds facts from plain objects (tests, fixtures, the simulator). */
export function buildFacts(input: FactsInput): Facts {
  const b = new FactsBuilder(input);
  for (const g of input.groups ?? []) b.group(g.id, g.name);
  for (const m of input.members ?? []) {
    b.user(m.email, m.name, m.groupId ?? null);
    if (m.limitUsd != null) b.limit(m.email, m.limitUsd);
  }
  for (const r of input.usage)
    b.usageRow(
      r.day,
      r.email,
      r.model,
      r.spendMicro,
      r.requests,
      r.tokens ?? 0,
      r.usageBased ?? 0,
      r.onDemandMicro ?? 0,
    );
  for (const h of input.hourly ?? []) b.hourRow(h.email, h.hourMs, h.spendMicro);
  return b.build({ cycles: input.cycles, hourlyEndMs: input.hourlyEndMs, limitedUsers: input.limitedUsers ?? null });
}

/** The days (and hours) of facts a pass reads; store/detection-facts.ts loads them (detect/run.ts runWindow, backtestWindow). */
export interface FactsWindow {
  fromDay: string;
  toDay: string;
  /** Start of the billing cycle fromDay lies in: people's limits are read from its snapshots on. */
  limitsFromMs: number;
  /** Hourly spend for the 3 days before this instant (burn rates). */
  hourlyUntilMs?: number;
  /** Hourly spend over the whole window (backtests of burn rates). */
  hourlyWholeWindow?: boolean;
}

/** What a loader fills row by row: a FactsBuilder for the window, whose build() gives the facts. */
export type FactsSink = Pick<
  FactsBuilder,
  | 'group'
  | 'user'
  | 'limit'
  | 'pastLimit'
  | 'reserve'
  | 'dayIndex'
  | 'model'
  | 'usageRow'
  | 'usageAt'
  | 'hourRow'
  | 'build'
>;
