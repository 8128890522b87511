import type { BillingCycle } from '../domain/records';
import { MICROCENTS_PER_USD } from '../domain/money';
import { DAY_MS, dayStartMs, utcDay } from '../domain/time';
import type { Facts } from './facts';
import type { DetectionSettings } from './settings';
import type { DetectorId, Finding, FindingUnit, Severity, Signal, SubjectKind } from './types';

/**
 * What every detector gets: the facts, the settings, the instant of the run and a few shared
 * precomputations (team spend per day, the days to evaluate, cycle bounds). Pure: no I/O.
 */
export interface Ctx {
  facts: Facts;
  settings: DetectionSettings;
  nowMs: number;
  nDays: number;
  today: number; // day index of nowMs (possibly a partial day)
  /**
   * Days a daily detector evaluates: yesterday (complete) and today (partial). Today's partial
   * value only fires when it already exceeds; baselines never include the evaluated day.
   */
  evalDays: number[];
  teamDaily: Float64Array; // team spend per day index
  groupDaily: Float64Array[]; // spend per day index, per group
  memo: Map<string, unknown>; // shared per-run computations (team levels, own baselines), through memo()
}

export interface DetectorOutput {
  findings: Finding[];
  signals: Signal[];
  /** Findings whose onset can be refined from raw events: the day's spend first reached `micro`. */
  crossings: { finding: Finding; micro: number }[];
}

export type Detector = (ctx: Ctx) => DetectorOutput;

export function makeContext(facts: Facts, settings: DetectionSettings, nowMs: number): Ctx {
  const nDays = facts.days.length;
  const today = Math.round((dayStartMs(utcDay(nowMs)) - dayStartMs(facts.days[0])) / DAY_MS);
  if (today < 0 || today >= nDays)
    throw new Error(`facts cover ${facts.days[0]}…${facts.days[nDays - 1]} but the run is at ${utcDay(nowMs)}`);
  const teamDaily = new Float64Array(nDays);
  const groupDaily = facts.groups.map(() => new Float64Array(nDays));
  for (let u = 0; u < facts.users.length; u++) {
    const g = facts.users[u].groupIdx;
    for (let d = 0; d < nDays; d++) {
      const v = facts.spend[u * nDays + d];
      teamDaily[d] += v;
      if (g >= 0) groupDaily[g][d] += v;
    }
  }
  return {
    facts,
    settings,
    nowMs,
    nDays,
    today,
    evalDays: today > 0 ? [today - 1, today] : [today],
    teamDaily,
    groupDaily,
    memo: new Map(),
  };
}

/** A per-run computation shared by the detectors: computed on first use, then read from ctx.memo. */
export function memo<T>(ctx: Ctx, key: string, compute: () => T): T {
  if (!ctx.memo.has(key)) ctx.memo.set(key, compute());
  return ctx.memo.get(key) as T;
}

export function emptyOutput(): DetectorOutput {
  return { findings: [], signals: [], crossings: [] };
}

export const usd = (micro: number): number => micro / MICROCENTS_PER_USD;
export const micro = (usdAmount: number): number => usdAmount * MICROCENTS_PER_USD;

/** '$214', '$51.20', '$0.34': whole dollars from $100, cents below (money.ts formatUsd style). */
export function money(microAmount: number): string {
  const v = usd(microAmount);
  // Not toLocaleString: Intl formatting was a fifth of a 10,000-user run.
  if (Math.abs(v) < 100) return `$${v.toFixed(2)}`;
  return `$${Math.round(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

export function fixed1(x: number): string {
  return x.toFixed(1);
}

/** critical above `criticalFactor` × the threshold, else warning (the reference's rule for every detector). */
export function severityOf(value: number, threshold: number, criticalFactor: number): Severity {
  return value > threshold * criticalFactor ? 'critical' : 'warning';
}

// ---------------------------------------------------------------------------------------------
// Cycles

export interface CycleSpan {
  cycle: BillingCycle;
  startDay: string;
  endDay: string; // inclusive
  startIdx: number; // day index of the cycle start, clamped to the facts window
}

/**
 * The billing cycle containing `dayMs`: a stored one, else months stepped from the nearest stored
 * cycle start (Cursor cycles are monthly from the subscription date), else the calendar month.
 */
export function cycleAt(cycles: BillingCycle[], dayMs: number): BillingCycle {
  const hit = cycles.find((c) => c.startMs <= dayMs && dayMs < c.endMs);
  if (hit) return hit;
  const anchor = cycles.length > 0 ? new Date(cycles[cycles.length - 1].startMs) : new Date(Date.UTC(2000, 0, 1));
  const at = new Date(dayMs);
  let months = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + at.getUTCMonth() - anchor.getUTCMonth();
  const startOf = (k: number) =>
    Date.UTC(
      anchor.getUTCFullYear(),
      anchor.getUTCMonth() + k,
      anchor.getUTCDate(),
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
    );
  if (startOf(months) > dayMs) months -= 1;
  return { startMs: startOf(months), endMs: startOf(months + 1) };
}

export function cycleSpan(ctx: Ctx, d: number): CycleSpan {
  const cycle = cycleAt(ctx.facts.cycles, dayStartMs(ctx.facts.days[d]));
  const startDay = utcDay(cycle.startMs);
  const endDay = utcDay(cycle.endMs - 1);
  const startIdx = Math.max(0, Math.round((dayStartMs(startDay) - dayStartMs(ctx.facts.days[0])) / DAY_MS));
  return { cycle, startDay, endDay, startIdx };
}

/** Σ series[from..to] for one user (inclusive day indices, clamped). */
export function userSum(ctx: Ctx, series: Float64Array, u: number, from: number, to: number): number {
  let s = 0;
  const base = u * ctx.nDays;
  for (let d = Math.max(0, from); d <= to; d++) s += series[base + d];
  return s;
}

export function teamSum(ctx: Ctx, from: number, to: number): number {
  return seriesSum(ctx.teamDaily, from, to);
}

export function seriesSum(series: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let d = Math.max(0, from); d <= to; d++) s += series[d];
  return s;
}

/** First day index on which the user had any spend, or −1. */
export function firstSpendDay(ctx: Ctx, u: number): number {
  const base = u * ctx.nDays;
  for (let d = 0; d < ctx.nDays; d++) if (ctx.facts.spend[base + d] > 0) return d;
  return -1;
}

/** The user's models on days [from, to] by spend, most expensive first. */
export function modelsBySpend(ctx: Ctx, u: number, from: number, to: number): string[] {
  const totals = new Map<number, number>();
  const mu = ctx.facts.modelUse;
  for (let k = mu.start[u]; k < mu.start[u + 1]; k++)
    if (mu.d[k] >= from && mu.d[k] <= to) totals.set(mu.m[k], (totals.get(mu.m[k]) ?? 0) + mu.spendMicro[k]);
  return [...totals.entries()]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([m]) => ctx.facts.models[m]);
}

// ---------------------------------------------------------------------------------------------
// Findings

export interface FindingSpec {
  detector: DetectorId;
  severity: Severity;
  subject: SubjectKind;
  u?: number; // user index (subject 'user')
  g?: number; // group index (subject 'group'; defaults to the user's group)
  models?: string[];
  keyModel?: string; // appended to the key when the model is part of the finding's identity
  keyPart?: string; // appended to the key when a detector follows several things per subject (drift: 'level')
  d: number; // data day index
  onsetDay?: number; // day index the condition began (default d)
  value: number;
  baseline: number | null;
  threshold: number;
  unit: FindingUnit;
  message: string;
  /** Dollars at stake and the team spend over the same period, for the notification floors. */
  amountMicro: number;
  periodTeamMicro: number;
}

export function subjectName(ctx: Ctx, spec: { subject: SubjectKind; u?: number; g?: number }): string {
  if (spec.subject === 'user') return ctx.facts.users[spec.u as number].name;
  if (spec.subject === 'group') return ctx.facts.groups[spec.g as number].name;
  return 'Team';
}

export function makeFinding(ctx: Ctx, s: FindingSpec): Finding {
  const user = s.u !== undefined ? ctx.facts.users[s.u] : undefined;
  const gIdx = s.g ?? (user ? user.groupIdx : -1);
  const group = gIdx >= 0 ? ctx.facts.groups[gIdx] : undefined;
  const subjectKey =
    s.subject === 'user' ? (user as { email: string }).email : s.subject === 'group' ? `group:${group?.id}` : 'team';
  const floor = ctx.settings.floors[s.detector];
  const aboveFloors =
    s.amountMicro >= micro(floor.minUsd) &&
    (s.periodTeamMicro <= 0 || (s.amountMicro / s.periodTeamMicro) * 100 >= floor.minPercent);
  return {
    detector: s.detector,
    severity: s.severity,
    subject: s.subject,
    email: user ? user.email : null,
    groupId: group ? group.id : null,
    groupName: group ? group.name : null,
    models: s.models ?? [],
    day: ctx.facts.days[s.d],
    value: round(s.value),
    baseline: s.baseline === null ? null : round(s.baseline),
    threshold: round(s.threshold),
    unit: s.unit,
    notify: aboveFloors && (s.severity !== 'info' || ctx.settings.enableInfoAnomalies),
    onsetMs: dayStartMs(ctx.facts.days[s.onsetDay ?? s.d]),
    message: s.message,
    key: [s.detector, subjectKey, ...(s.keyPart ? [s.keyPart] : []), ...(s.keyModel ? [s.keyModel] : [])].join(':'),
  };
}

/** Evidence values keep 4 decimals: enough for $/request, no float noise in the API. */
function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** A reading worth showing: at least half the threshold. */
export function pushSignal(
  out: DetectorOutput,
  ctx: Ctx,
  detector: DetectorId,
  who: { u?: number; g?: number },
  value: number,
  threshold: number,
): void {
  if (!(threshold > 0) || value < threshold / 2) return;
  const user = who.u !== undefined ? ctx.facts.users[who.u] : undefined;
  const g = who.g ?? (user ? user.groupIdx : -1);
  out.signals.push({
    detector,
    email: user ? user.email : null,
    groupId: g >= 0 ? ctx.facts.groups[g].id : null,
    value: round(value),
    threshold: round(threshold),
  });
}

/**
 * How much the whole team is up on day d against the `window` days before it: the median active
 * user's spend on d over the median active user-day before (1 on a partial or thin day). A
 * one-day surge of the whole team (a release, a hackathon) raises everyone's baseline together, so
 * relative detectors divide by it and only flag people who stand out from that day's team.
 * Below TEAM_SURGE_MIN_LEVEL it is 1: an ordinary weekday's median sits 10–20% above a window
 * that holds a weekend, and discounting that raised every relative threshold by as much.
 */
export function teamLevel(ctx: Ctx, d: number, window: number, minUsers: number): number {
  return memo(ctx, `teamLevel:${d}:${window}:${minUsers}`, () => computeTeamLevel(ctx, d, window, minUsers));
}

function computeTeamLevel(ctx: Ctx, d: number, window: number, minUsers: number): number {
  const today: number[] = [];
  const before: number[] = [];
  const { spend } = ctx.facts;
  for (let u = 0; u < ctx.facts.users.length; u++) {
    const base = u * ctx.nDays;
    if (spend[base + d] > 0) today.push(spend[base + d]);
    for (let i = Math.max(0, d - window); i < d; i++) if (spend[base + i] > 0) before.push(spend[base + i]);
  }
  if (today.length < minUsers || before.length === 0) return 1;
  const level = lowerMedian(today) / lowerMedian(before);
  return level >= TEAM_SURGE_MIN_LEVEL ? level : 1;
}

/** The smallest team level that counts as a surge of the whole team. */
export const TEAM_SURGE_MIN_LEVEL = 1.3;

function lowerMedian(xs: number[]): number {
  const s = Float64Array.from(xs).sort(); // numeric sort without a comparator call per compare
  return s[Math.floor((s.length - 1) / 2)];
}
