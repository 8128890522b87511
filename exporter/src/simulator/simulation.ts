/**
 * createSimulation: a deterministic synthetic Cursor team with usage, scenarios and ground truth.
 * Everything is derived on demand from (seed, user, day); answers for the server (event pages,
 * spend, daily usage, groups, analytics) and the independent expectations used by tests are
 * computed here. Late data: an event is visible once `arrivalMs <= now`.
 */
import type { AnalyticsEndpoint } from '../domain/records';
import { DAY_MS, HOUR_MS, utcDay } from '../domain/time';
import { DayAnalytics, statsFromEvents, statsFromPlan, usageRow, type UserDayStats } from './activity';
import { buildUserDayEvents, newestFirst, type TimedEvent } from './events';
import { Ledger, Plan, type Cycle } from './ledger';
import { resolveScenarios, type GroundTruthEntry, type ScenarioSpec } from './scenarios';
import type { RawDailyUsageRow, RawUsageEvent } from './shapes';
import { buildTeam, type SimGroup, type SimMember, type SimTeam } from './team';

export interface SimulationOptions {
  seed: number;
  users: number; // 10 to 10,000
  historyDays?: number; // default 60
  endDay?: string; // 'YYYY-MM-DD', default today (UTC)
  scenario?: 'default' | 'none' | ScenarioSpec[]; // default 'default'
  lateMaxMs?: number; // events arrive up to this long after their timestamp; default 1 h
  /** Events and daily usage older than this many days (before now) are no longer served; default: kept. */
  retentionDays?: number;
}

export interface CycleSpend {
  overallCents: number;
  onDemandCents: number;
}

/** Ground-truth numbers computed from the same generation, without HTTP. */
export interface SimulationExpectations {
  /** Σ chargedCents of the user's events with timestamp in [fromMs, toMs] that arrived by nowMs. */
  userSpendCents(email: string, fromMs: number, toMs: number, nowMs: number): number;
  /** Number of events (all users) with timestamp in [fromMs, toMs] that arrived by nowMs. */
  eventCount(fromMs: number, toMs: number, nowMs: number): number;
  /** Cycle-to-date spend of the cycle containing nowMs: all arrived events, and the Usage-based ones. */
  cycleSpend(email: string, nowMs: number): CycleSpend;
  /** Σ chargedCents of the user's whole day (all events, arrived or not). */
  userDayCents(email: string, day: string): number;
}

export interface EventQuery {
  fromMs: number;
  toMs: number; // inclusive
  nowMs: number;
  email?: string;
  offset: number;
  limit: number;
}

/** Per-user arrived figures for one day, indexed by member index. */
interface ArrivedDay {
  totalMicro: Float64Array;
  onDemandMicro: Float64Array;
  usageCount: Int32Array;
}

const MAX_CACHED_EVENTS = 2_000_000;

function dayNumOfMs(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function validate(o: SimulationOptions): void {
  const fail = (msg: string) => {
    throw new Error(`invalid simulation options: ${msg}`);
  };
  if (!Number.isSafeInteger(o.seed)) fail(`seed must be an integer, got ${String(o.seed)}`);
  if (!Number.isInteger(o.users) || o.users < 10 || o.users > 10_000)
    fail(`users must be an integer from 10 to 10000, got ${String(o.users)}`);
  if (o.historyDays !== undefined && (!Number.isInteger(o.historyDays) || o.historyDays < 1 || o.historyDays > 730))
    fail(`historyDays must be an integer from 1 to 730`);
  if (o.endDay !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(o.endDay) || Number.isNaN(Date.parse(o.endDay))))
    fail(`endDay must be YYYY-MM-DD, got '${o.endDay}'`);
  if (o.lateMaxMs !== undefined && !(o.lateMaxMs >= 0 && Number.isFinite(o.lateMaxMs)))
    fail('lateMaxMs must be a non-negative number');
  if (o.retentionDays !== undefined && (!Number.isInteger(o.retentionDays) || o.retentionDays < 1))
    fail('retentionDays must be a positive integer');
}

export class Simulation {
  readonly seed: number;
  readonly users: number;
  readonly startDay: string;
  readonly endDay: string;
  readonly startDayNum: number;
  readonly endDayNum: number;
  readonly lateMaxMs: number;
  readonly retentionDays: number | null;
  readonly team: SimTeam;
  readonly groundTruth: GroundTruthEntry[];
  readonly ledger: Ledger;
  readonly expected: SimulationExpectations;

  private readonly byEmail = new Map<string, SimMember>();
  private readonly plan = new Plan();
  private readonly dayEventCache = new Map<number, TimedEvent[]>();
  private cachedEvents = 0;
  private readonly dayCountCache = new Map<number, number>();
  private readonly analyticsCache = new Map<number, DayAnalytics>();
  private arrivedCache = { nowMs: NaN, days: new Map<number, ArrivedDay>() };

  constructor(opts: SimulationOptions) {
    validate(opts);
    this.seed = opts.seed;
    this.users = opts.users;
    this.endDayNum = dayNumOfMs(opts.endDay ? Date.parse(`${opts.endDay}T00:00:00Z`) : Date.now());
    this.startDayNum = this.endDayNum - (opts.historyDays ?? 60) + 1;
    this.startDay = utcDay(this.startDayNum * DAY_MS);
    this.endDay = utcDay(this.endDayNum * DAY_MS);
    this.lateMaxMs = opts.lateMaxMs ?? HOUR_MS;
    this.retentionDays = opts.retentionDays ?? null;
    this.team = buildTeam(opts.seed, opts.users, this.startDayNum, this.endDayNum);
    for (const m of this.team.members) this.byEmail.set(m.email, m);
    const scenarios = resolveScenarios(opts.scenario ?? 'default', {
      seed: opts.seed,
      team: this.team,
      startDayNum: this.startDayNum,
      endDayNum: this.endDayNum,
    });
    this.ledger = new Ledger(opts.seed, this.team, scenarios, this.startDayNum, this.endDayNum);
    // Complete the entries whose numbers depend on spend before their start (only earlier days are read).
    for (const p of scenarios.pending) {
      if (p.kind === 'spike') {
        p.entry.baselineCents = Math.round(this.ledger.baselineMicro(p.memberIndex, p.dayNum)) / 1e6;
      } else {
        const m = this.team.members[p.memberIndex];
        const soFar = this.ledger.onDemandBefore(p.memberIndex, p.dayNum) / 1e8;
        const dayDollars = this.ledger.baselineMicro(p.memberIndex, p.dayNum) / 1e8;
        const cap = Math.max(50, Math.ceil((soFar + 3 * dayDollars) / 10) * 10);
        p.setCap!(cap * 100);
        p.entry.magnitude = cap;
        m.monthlyLimitDollars = cap;
      }
    }
    this.groundTruth = scenarios.groundTruth;
    this.expected = this.makeExpectations();
  }

  get members(): readonly SimMember[] {
    return this.team.members;
  }

  get groups(): readonly SimGroup[] {
    return this.team.groups;
  }

  member(email: string): SimMember | undefined {
    return this.byEmail.get(email.toLowerCase());
  }

  /** The billing cycle containing an instant, as epoch ms [startMs, endMs). */
  cycleAt(ms: number): { startMs: number; endMs: number } {
    const c = this.ledger.cycleOf(dayNumOfMs(ms));
    return { startMs: c.startDayNum * DAY_MS, endMs: c.endDayNum * DAY_MS };
  }

  /** Every event of the day (all users, arrived or not), newest first. */
  eventsForDay(day: string): RawUsageEvent[] {
    return this.timelineForDay(day).map((t) => t.event);
  }

  /** Like eventsForDay, with each event's arrival time and user. */
  timelineForDay(day: string): readonly TimedEvent[] {
    return this.dayEvents(dayNumOfMs(Date.parse(`${day}T00:00:00Z`)));
  }

  /** One user's events of the day (arrived or not), newest first; [] for an unknown email. */
  eventsForUserDay(email: string, day: string): RawUsageEvent[] {
    const m = this.member(email);
    return m
      ? this.userDayEvents(m, dayNumOfMs(Date.parse(`${day}T00:00:00Z`)))
          .reverse()
          .map((t) => t.event)
      : [];
  }

  /** A day is complete at nowMs once its last possible event has arrived. */
  private complete(dayNum: number, nowMs: number): boolean {
    return (dayNum + 1) * DAY_MS - 1 + this.lateMaxMs <= nowMs;
  }

  private userDayEvents(m: SimMember, dayNum: number): TimedEvent[] {
    return buildUserDayEvents(this.ledger, this.seed, m, dayNum, this.lateMaxMs, this.plan);
  }

  private dayEvents(dayNum: number): TimedEvent[] {
    const hit = this.dayEventCache.get(dayNum);
    if (hit) {
      this.dayEventCache.delete(dayNum); // re-insert: Map order is the LRU order
      this.dayEventCache.set(dayNum, hit);
      return hit;
    }
    const all: TimedEvent[] = [];
    for (const m of this.team.members) for (const e of this.userDayEvents(m, dayNum)) all.push(e);
    all.sort(newestFirst);
    this.dayEventCache.set(dayNum, all);
    this.cachedEvents += all.length;
    for (const [d, list] of this.dayEventCache) {
      if (this.cachedEvents <= MAX_CACHED_EVENTS || d === dayNum) break;
      this.dayEventCache.delete(d);
      this.cachedEvents -= list.length;
    }
    return all;
  }

  private dayCountAll(dayNum: number): number {
    let n = this.dayCountCache.get(dayNum);
    if (n === undefined) {
      n = 0;
      for (let u = 0; u < this.users; u++) n += this.ledger.dayCount(u, dayNum);
      this.dayCountCache.set(dayNum, n);
    }
    return n;
  }

  private retentionFloorMs(nowMs: number): number {
    return this.retentionDays === null ? -Infinity : nowMs - this.retentionDays * DAY_MS;
  }

  /**
   * One page of POST /teams/filtered-usage-events, newest first. Whole days that are inside the
   * range and fully arrived are counted from the ledger without being generated; only the days
   * that hold the requested page (and partial edge days) are built.
   */
  queryEvents(q: EventQuery): { total: number; events: RawUsageEvent[] } {
    const fromMs = Math.max(q.fromMs, this.retentionFloorMs(q.nowMs), this.startDayNum * DAY_MS);
    const toMs = Math.min(q.toMs, q.nowMs);
    const m = q.email === undefined ? null : this.member(q.email);
    if (fromMs > toMs || m === undefined) return { total: 0, events: [] };
    const segments: { dayNum: number; count: number; list: TimedEvent[] | null }[] = [];
    let total = 0;
    for (let d = Math.min(dayNumOfMs(toMs), this.endDayNum); d >= dayNumOfMs(fromMs); d--) {
      const whole = d * DAY_MS >= fromMs && (d + 1) * DAY_MS - 1 <= toMs && this.complete(d, q.nowMs);
      let count: number;
      let list: TimedEvent[] | null = null;
      if (whole) count = m ? this.ledger.dayCount(m.index, d) : this.dayCountAll(d);
      else {
        list = this.eventsOf(m, d).filter(
          (e) => e.timestampMs >= fromMs && e.timestampMs <= toMs && e.arrivalMs <= q.nowMs,
        );
        count = list.length;
      }
      segments.push({ dayNum: d, count, list });
      total += count;
    }
    const events: RawUsageEvent[] = [];
    let skip = q.offset;
    for (const s of segments) {
      if (events.length >= q.limit) break;
      if (skip >= s.count) {
        skip -= s.count;
        continue;
      }
      const list = s.list ?? this.eventsOf(m, s.dayNum);
      for (let i = skip; i < list.length && events.length < q.limit; i++) events.push(list[i].event);
      skip = 0;
    }
    return { total, events };
  }

  /** A user's (or everyone's) events of a day, newest first. */
  private eventsOf(m: SimMember | null, dayNum: number): TimedEvent[] {
    return m ? this.userDayEvents(m, dayNum).reverse() : this.dayEvents(dayNum);
  }

  /** Arrival-aware per-user totals of one day (whole days from the ledger, partial ones from events). */
  private arrivedDay(dayNum: number, nowMs: number): ArrivedDay {
    if (this.arrivedCache.nowMs !== nowMs) this.arrivedCache = { nowMs, days: new Map() };
    const hit = this.arrivedCache.days.get(dayNum);
    if (hit) return hit;
    const a: ArrivedDay = {
      totalMicro: new Float64Array(this.users),
      onDemandMicro: new Float64Array(this.users),
      usageCount: new Int32Array(this.users),
    };
    if (this.complete(dayNum, nowMs)) {
      for (let u = 0; u < this.users; u++) {
        const s = this.ledger.summary(u, dayNum);
        a.totalMicro[u] = s.totalMicro;
        a.onDemandMicro[u] = s.onDemandMicro;
        a.usageCount[u] = s.usageCount;
      }
    } else {
      for (const e of this.dayEvents(dayNum)) {
        if (e.arrivalMs > nowMs) continue;
        a.totalMicro[e.userIndex] += e.chargedMicro;
        if (e.usageBased) {
          a.onDemandMicro[e.userIndex] += e.chargedMicro;
          a.usageCount[e.userIndex]++;
        }
      }
    }
    this.arrivedCache.days.set(dayNum, a);
    return a;
  }

  /** Days of a cycle that can hold events visible at nowMs. */
  private cycleDays(c: Cycle, nowMs: number): number[] {
    const out: number[] = [];
    for (
      let d = Math.max(c.startDayNum, this.startDayNum);
      d < c.endDayNum && d <= Math.min(this.endDayNum, dayNumOfMs(nowMs));
      d++
    )
      out.push(d);
    return out;
  }

  /** Cycle-to-date arrived spend of every user (micro-cents) for the cycle containing `cycleDayNum`. */
  cycleSpendTable(
    nowMs: number,
    cycleDayNum = dayNumOfMs(nowMs),
  ): { cycle: Cycle; overall: Float64Array; onDemand: Float64Array; usageCount: Int32Array } {
    const cycle = this.ledger.cycleOf(cycleDayNum);
    const overall = new Float64Array(this.users);
    const onDemand = new Float64Array(this.users);
    const usageCount = new Int32Array(this.users);
    for (const d of this.cycleDays(cycle, nowMs)) {
      const a = this.arrivedDay(d, nowMs);
      for (let u = 0; u < this.users; u++) {
        overall[u] += a.totalMicro[u];
        onDemand[u] += a.onDemandMicro[u];
        usageCount[u] += a.usageCount[u];
      }
    }
    return { cycle, overall, onDemand, usageCount };
  }

  /** Arrived spend per user on one day (micro-cents), for billing groups' dailySpend. */
  daySpend(dayNum: number, nowMs: number): Float64Array {
    if (dayNum < this.startDayNum || dayNum > this.endDayNum) return new Float64Array(this.users);
    return this.arrivedDay(dayNum, nowMs).totalMicro;
  }

  /** What a user-day looks like at nowMs (only arrived events count). */
  private arrivedStats(m: SimMember, dayNum: number, nowMs: number): UserDayStats {
    if (this.complete(dayNum, nowMs)) return statsFromPlan(this.ledger.plan(m.index, dayNum, this.plan));
    return statsFromEvents(this.userDayEvents(m, dayNum).filter((e) => e.arrivalMs <= nowMs));
  }

  /** Days [from, to] clipped to the history, to today and (if set) to the retention window. */
  visibleDays(fromMs: number, toMs: number, nowMs: number, applyRetention: boolean): number[] {
    const floor = applyRetention ? this.retentionFloorMs(nowMs) : -Infinity;
    const first = Math.max(dayNumOfMs(fromMs), this.startDayNum, floor === -Infinity ? -Infinity : dayNumOfMs(floor));
    const last = Math.min(dayNumOfMs(toMs), this.endDayNum, dayNumOfMs(nowMs));
    const out: number[] = [];
    for (let d = first; d <= last; d++) out.push(d);
    return out;
  }

  /**
   * Members who had a membership during the days (joined by the last day, not removed before the
   * first): the users that daily-usage-data paginates over.
   */
  membersDuring(days: number[]): SimMember[] {
    if (days.length === 0) return [];
    const first = days[0];
    const last = days[days.length - 1];
    return this.team.members.filter(
      (m) => m.joinDayNum <= last && !(m.isRemoved && m.lastActiveDayNum !== null && m.lastActiveDayNum < first),
    );
  }

  /** Daily-usage rows of the members over the days; inactive rows only if `includeInactive`. */
  dailyUsageRows(
    members: readonly SimMember[],
    days: number[],
    nowMs: number,
    includeInactive: boolean,
  ): RawDailyUsageRow[] {
    const rows: RawDailyUsageRow[] = [];
    for (const m of members) {
      for (const d of days) {
        if (d < m.joinDayNum) continue;
        const { row } = usageRow(this.seed, m, d, this.arrivedStats(m, d, nowMs));
        if (row.isActive || includeInactive) rows.push(row);
      }
    }
    return rows;
  }

  /** Rows of one Analytics team endpoint over the days, oldest first. */
  analyticsRows(endpoint: AnalyticsEndpoint, days: number[], nowMs: number): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const d of days) out.push(...this.dayAnalytics(d, nowMs).rows(endpoint));
    return out;
  }

  private dayAnalytics(dayNum: number, nowMs: number): DayAnalytics {
    const complete = this.complete(dayNum, nowMs);
    const hit = complete ? this.analyticsCache.get(dayNum) : undefined;
    if (hit) return hit;
    const agg = new DayAnalytics(utcDay(dayNum * DAY_MS));
    for (const m of this.team.members) {
      const stats = this.arrivedStats(m, dayNum, nowMs);
      if (stats.n > 0) agg.add(m, usageRow(this.seed, m, dayNum, stats), stats);
    }
    if (complete) this.analyticsCache.set(dayNum, agg);
    return agg;
  }

  /** The expectations walk events one by one (no ledger shortcuts), so they check the server's shortcuts. */
  private makeExpectations(): SimulationExpectations {
    const daysOf = (fromMs: number, toMs: number) => {
      const out: number[] = [];
      for (let d = Math.max(dayNumOfMs(fromMs), this.startDayNum); d <= Math.min(dayNumOfMs(toMs), this.endDayNum); d++)
        out.push(d);
      return out;
    };
    const mustMember = (email: string) => {
      const m = this.member(email);
      if (!m) throw new Error(`no simulated member with email '${email}'`);
      return m;
    };
    return {
      userSpendCents: (email, fromMs, toMs, nowMs) => {
        const m = mustMember(email);
        let micro = 0;
        for (const d of daysOf(fromMs, toMs)) {
          for (const e of this.userDayEvents(m, d))
            if (e.timestampMs >= fromMs && e.timestampMs <= toMs && e.arrivalMs <= nowMs) micro += e.chargedMicro;
        }
        return micro / 1e6;
      },
      eventCount: (fromMs, toMs, nowMs) => {
        let n = 0;
        for (const d of daysOf(fromMs, toMs)) {
          for (const e of this.dayEvents(d))
            if (e.timestampMs >= fromMs && e.timestampMs <= toMs && e.arrivalMs <= nowMs) n++;
        }
        return n;
      },
      cycleSpend: (email, nowMs) => {
        const m = mustMember(email);
        const c = this.cycleAt(nowMs);
        let overall = 0;
        let onDemand = 0;
        for (const d of daysOf(c.startMs, Math.min(c.endMs - 1, nowMs))) {
          for (const e of this.userDayEvents(m, d)) {
            if (e.arrivalMs > nowMs) continue;
            overall += e.chargedMicro;
            if (e.usageBased) onDemand += e.chargedMicro;
          }
        }
        return { overallCents: overall / 1e6, onDemandCents: onDemand / 1e6 };
      },
      userDayCents: (email, day) => {
        const m = mustMember(email);
        const d = dayNumOfMs(Date.parse(`${day}T00:00:00Z`));
        return this.userDayEvents(m, d).reduce((a, e) => a + e.chargedMicro, 0) / 1e6;
      },
    };
  }
}

export function createSimulation(opts: SimulationOptions): Simulation {
  return new Simulation(opts);
}
