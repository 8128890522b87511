import { dayStartMs, isWeekendDay } from '../domain/time';
import { type Ctx, memo, micro } from './context';
import { median } from './stats';

/**
 * Each person's own weekday-aware baseline and the team's factor per day: what a person would
 * have spent on a day, for spend_spike and level_shift.
 *
 * - A person's days fall in two classes: their working days, and their days off — Saturday and
 *   Sunday, and the weekdays they seldom work (active under RARE_RATE of their busiest weekday's
 *   rate over the last eight weeks: a part-timer's free days, a Sunday–Thursday worker's Friday;
 *   judged from MIN_WEEK_DAYS active days on). The fields keep the names weekday (working days)
 *   and weekend (days off).
 * - A person's baseline for a day class is the median of their ACTIVE days of
 *   that class over `trends.spendSpikeLookbackDays`, ending before the last `levelShift.windowDays`
 *   days: absent days (vacations, days off) are no evidence of a level, and an ongoing shift or the
 *   days under test never raise their own baseline. The person's own quiet weeks are left out of
 *   the weekday baseline too: a week (7 days back from the window's end) with at least two active
 *   weekdays, most of them under half the person's median, is a part-time or a winding-down week,
 *   no evidence of their working level (at least `spikeMinActiveDays` days must remain). Each
 *   day's spend is taken over the team's factor for that day (below): a team-wide busy or quiet
 *   week in the window moves everyone, and is no one's level. It needs `spikeMinActiveDays` active days of
 *   the class; for the days off, when the window holds fewer, the four weeks before it count too
 *   (the eight weeks the days off are judged on: a weekday worker's occasional weekend is held
 *   against their weekends); without enough even then, a day off falls back to the weekday
 *   baseline (a weekday is the busier habit, so the comparison errs quiet).
 * - The team factor of a day: the median, over people with a baseline who were active that day, of
 *   their spend over their weekday baseline, divided by the same median on a usual day of its class
 *   (weekday, weekend) in the baseline window: how much busier or quieter than usual the whole team
 *   was (a release day, a quiet weekend). Clamped to [1/teamFactorCap,
 *   teamFactorCap] (default 10: a median of the team's own ratios, which one person's spike cannot
 *   move, so a release day inside a busy week that moved everyone 4× is read at 4×): a team-wide day moves every expectation by the shared part only, so a personal
 *   5× on a 2× day still reads 5×, and a personal shift through a quiet weekend is held against
 *   that weekend. Needs zscore.minSamples such people, and a quarter of the number usually active on
 *   a day of its class (on a holiday the few who work are no sample of the team's pace), else 1.
 */
export interface OwnBaselines {
  weekday: Float64Array; // the person's working days, micro-cents per user; 0 = no baseline
  weekend: Float64Array; // their days off; 0 = none (then the working days' applies)
  /** Whether day index d is one of user u's days off (weekends, and weekdays they seldom work). */
  offDay(u: number, d: number): boolean;
  /** How many days a week user u usually works (5 less the weekdays they seldom work). */
  workDays(u: number): number;
  /** The team factor of day index d (computed on first use). */
  teamFactor(d: number): number;
  /** Whether most of the team was away on day index d (a holiday): its factor is then 1. */
  teamAway(d: number): boolean;
  /** Expected spend of user u on day d (micro-cents): class baseline × team factor; 0 = none. */
  expected(u: number, d: number): number;
  /**
   * Dollars above an expectation on day index d in ordinary-day dollars: over the team's factor
   * when the team spent more than usual (a person's natural swings grow with the day's spend, so
   * on a team-wide 2× day twice the dollars are no more unusual). A quieter day does not raise them.
   */
  ordinary(excessMicro: number, d: number): number;
  /**
   * User u's own day-to-day scatter on working days: the robust standard deviation (1.4826 × the
   * median absolute deviation) of the log of their active working days' spend over the day's team
   * factor, in the baseline window; computed on first use. NaN without a baseline.
   */
  scatter(u: number): number;
  from: number; // first baseline day index
  to: number; // last baseline day index
}

/** Per day index of the facts: 1 on Saturdays and Sundays. */
export function weekendFlags(ctx: Ctx): Uint8Array {
  return memo(ctx, 'weekendFlags', () => Uint8Array.from(ctx.facts.days, (day) => (isWeekendDay(day) ? 1 : 0)));
}

/** Per day index of the facts: the day of the week, 0 = Sunday … 6 = Saturday. */
function daysOfWeek(ctx: Ctx): Uint8Array {
  return memo(ctx, 'daysOfWeek', () => Uint8Array.from(ctx.facts.days, (day) => new Date(dayStartMs(day)).getUTCDay()));
}

/** A weekday is a day off for a person active on it under this share of their busiest weekday's rate. */
const RARE_RATE = 0.5;
/** Fewer active days than this over the eight weeks: too few to tell which weekdays someone works. */
const MIN_WEEK_DAYS = 10;
const SAT_SUN = (1 << 0) | (1 << 6);

/** Each person's days off as a bitmask of days of the week (bit 0 = Sunday), from days [from, to]. */
function daysOff(ctx: Ctx, from: number, to: number): Uint8Array {
  const dow = daysOfWeek(ctx);
  const seen = new Int32Array(7);
  for (let d = Math.max(0, from); d <= to; d++) seen[dow[d]]++;
  const nU = ctx.facts.users.length;
  const off = new Uint8Array(nU).fill(SAT_SUN);
  const on = new Int32Array(7);
  for (let u = 0; u < nU; u++) {
    on.fill(0);
    let total = 0;
    const base = u * ctx.nDays;
    for (let d = Math.max(0, from); d <= to; d++)
      if (ctx.facts.spend[base + d] > 0) {
        on[dow[d]]++;
        total++;
      }
    if (total < MIN_WEEK_DAYS) continue;
    let top = 0;
    for (let k = 1; k <= 5; k++) if (seen[k] > 0) top = Math.max(top, on[k] / seen[k]);
    for (let k = 1; k <= 5; k++) if (seen[k] > 0 && on[k] / seen[k] < RARE_RATE * top) off[u] |= 1 << k;
  }
  return off;
}

export function ownBaselines(ctx: Ctx): OwnBaselines {
  return memo(ctx, 'ownBaselines', () => compute(ctx));
}

function compute(ctx: Ctx): OwnBaselines {
  const {
    spendSpikeLookbackDays: lb,
    spikeMinActiveDays: minActive,
    spikeMinBaselineUsd,
    teamFactorCap,
  } = ctx.settings.trends;
  const to = ctx.today - ctx.settings.levelShift.windowDays;
  const from = Math.max(0, to - lb + 1);
  const nU = ctx.facts.users.length;
  const weekday = new Float64Array(nU);
  const weekend = new Float64Array(nU);
  const { spend } = ctx.facts;
  const weekendDay = weekendFlags(ctx);
  const dow = daysOfWeek(ctx);
  const offFrom = to - 55;
  const off = daysOff(ctx, offFrom, to);
  const offDay = (u: number, d: number): boolean => ((off[u] >> dow[d]) & 1) === 1;
  const workDays = (u: number): number => {
    let n = 0;
    for (let k = 1; k <= 5; k++) if (!((off[u] >> k) & 1)) n++;
    return n;
  };
  const minBase = Math.max(micro(spikeMinBaselineUsd), 1);
  const wd = new Float64Array(Math.max(0, to - from + 1));
  const wdWeek = new Int32Array(wd.length); // each weekday value's week, counted back from \`to\`
  const we = new Float64Array(Math.max(0, to - offFrom + 1));
  const weeks = Math.ceil(wd.length / 7);
  const active = new Int32Array(weeks);
  const low = new Int32Array(weeks);
  /**
   * Each person's class medians of their active days' spend over the day's divisor (index d − from;
   * `older(d)` for the days before the window, read for the days off when the window holds too few).
   * Without `older`, the working days only: the first pass's days off are never read.
   */
  const personal = (divisor: Float64Array, older?: (d: number) => number): void => {
    weekday.fill(0);
    weekend.fill(0);
    if (to < 0) return;
    for (let u = 0; u < nU; u++) {
      const base = u * ctx.nDays;
      const offMask = off[u];
      let nWd = 0;
      let nWe = 0;
      for (let d = from; d <= to; d++) {
        const v = spend[base + d];
        if (!(v > 0)) continue;
        const x = v / divisor[d - from];
        if ((offMask >> dow[d]) & 1) we[nWe++] = x;
        else {
          wdWeek[nWd] = Math.floor((to - d) / 7);
          wd[nWd++] = x;
        }
      }
      if (nWd >= minActive) {
        const m = withoutQuietWeeks(wd, wdWeek, nWd, minActive, active, low);
        if (m >= minBase) weekday[u] = m;
      }
      // Too few days off in the window: the eight weeks their days off are judged on, so a weekday
      // worker's occasional weekend is held against their weekends, not their working days.
      if (older === undefined) continue;
      if (nWe < minActive)
        for (let d = Math.max(0, offFrom); d < from; d++) {
          const v = spend[base + d];
          if (v > 0 && (offMask >> dow[d]) & 1) we[nWe++] = v / older(d);
        }
      if (nWe >= minActive && weekday[u] > 0) weekend[u] = median(we.subarray(0, nWe)) as number;
    }
  };
  personal(new Float64Array(wd.length).fill(1));
  const raw = weekday.slice(); // R and the factors stay on the first pass's baselines
  // R(d): the median active person's spend on d over their weekday baseline. The factor of a day is
  // R(d) over the usual R of its class in the baseline window (a weekend is compared with weekends).
  const minUsers = ctx.settings.zscore.minSamples;
  const ratios = new Float64Array(nU);
  const medianRatio = new Map<number, number>(); // NaN: too few people
  const present = new Map<number, number>(); // how many of them were active
  const R = (d: number): number => {
    let r = medianRatio.get(d);
    if (r !== undefined) return r;
    let n = 0;
    for (let u = 0; u < nU; u++) {
      const v = spend[u * ctx.nDays + d];
      if (raw[u] > 0 && v > 0) ratios[n++] = v / raw[u];
    }
    r = n >= minUsers ? (median(ratios.subarray(0, n)) as number) : NaN;
    medianRatio.set(d, r);
    present.set(d, n);
    return r;
  };
  const usual: number[] = [];
  const usualPresent: number[] = [];
  for (const cls of [0, 1]) {
    const rs: number[] = [];
    const ns: number[] = [];
    for (let d = from; d <= to; d++)
      if (weekendDay[d] === cls && Number.isFinite(R(d))) {
        rs.push(R(d));
        ns.push(present.get(d) as number);
      }
    usual.push(median(rs) ?? NaN);
    usualPresent.push(median(ns) ?? 0);
  }
  const factors = new Map<number, number>();
  const teamAway = (d: number): boolean => {
    R(d);
    return 4 * (present.get(d) as number) < usualPresent[weekendDay[d]];
  };
  const teamFactor = (d: number): number => {
    let f = factors.get(d);
    if (f !== undefined) return f;
    // A day most of the team was away (a holiday) says nothing of its pace: the few who worked
    // are no sample of it, and often the very people with something unusual going on.
    const r = teamAway(d) ? NaN : R(d) / usual[weekendDay[d]];
    f = Number.isFinite(r) && r > 0 ? Math.min(teamFactorCap, Math.max(1 / teamFactorCap, r)) : 1;
    factors.set(d, f);
    return f;
  };
  // The baselines again, each day's spend over its team factor: a team-wide busy (or quiet) week
  // in the window is the team's, not a person's level.
  personal(
    Float64Array.from({ length: wd.length }, (_, i) => teamFactor(from + i)),
    teamFactor,
  );
  const expected = (u: number, d: number): number => {
    const b = offDay(u, d) && weekend[u] > 0 ? weekend[u] : weekday[u];
    return b > 0 ? b * teamFactor(d) : 0;
  };
  const ordinary = (excessMicro: number, d: number): number => excessMicro / Math.max(1, teamFactor(d));
  const scatters = new Map<number, number>();
  const scatter = (u: number): number => {
    let sd = scatters.get(u);
    if (sd !== undefined) return sd;
    const dev: number[] = [];
    if (weekday[u] > 0) {
      const center = Math.log(weekday[u]);
      for (let d = from; d <= to; d++) {
        const v = spend[u * ctx.nDays + d];
        if (v > 0 && !offDay(u, d)) dev.push(Math.abs(Math.log(v / teamFactor(d)) - center));
      }
    }
    sd = dev.length > 0 ? 1.4826 * (median(dev) as number) : NaN;
    scatters.set(u, sd);
    return sd;
  };
  return { weekday, weekend, offDay, workDays, teamFactor, teamAway, expected, ordinary, scatter, from, to };
}

/**
 * The median of the first n weekday values, leaving out quiet weeks (at least two active days,
 * more than half of them under half the overall median) when minActive values remain.
 * `active` and `low` are scratch counters per week.
 */
function withoutQuietWeeks(
  xs: Float64Array,
  week: Int32Array,
  n: number,
  minActive: number,
  active: Int32Array,
  low: Int32Array,
): number {
  const m = median(xs.subarray(0, n)) as number;
  active.fill(0);
  low.fill(0);
  for (let i = 0; i < n; i++) {
    active[week[i]]++;
    if (xs[i] < m / 2) low[week[i]]++;
  }
  let quiet = false;
  for (let w = 0; w < active.length; w++) quiet ||= active[w] >= 2 && 2 * low[w] > active[w];
  if (!quiet) return m;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (!(active[week[i]] >= 2 && 2 * low[week[i]] > active[week[i]])) kept.push(xs[i]);
  return kept.length >= minActive ? (median(kept) as number) : m;
}
