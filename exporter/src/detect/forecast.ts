import { addDays } from '../domain/time';
import { type Ctx, cycleSpan, micro, seriesSum } from './context';
import { type LinearFit, linearFit, upperMedian } from './stats';
import type { Forecast, SubjectKind } from './types';

/**
 * Cycle-end forecasts for every user with spend, every group and the team. The run rate is a
 * least-squares line over the last `lookbackDays` complete days, extrapolated (never below zero)
 * over the rest of the cycle, today included, because today is still partial. The range is the
 * prediction interval of that sum: future day noise plus the uncertainty of the line itself.
 */
export function forecasts(ctx: Ctx): Forecast[] {
  const span = cycleSpan(ctx, ctx.today);
  const allowance =
    ctx.settings.forecast.includedUsdPerUser > 0
      ? micro(ctx.settings.forecast.includedUsdPerUser)
      : inferAllowance(ctx, span.startIdx);
  const out: Forecast[] = [];
  const { users, groups, spend, usageBased } = ctx.facts;
  for (let u = 0; u < users.length; u++) {
    const p = project(
      ctx,
      spend.subarray(u * ctx.nDays, (u + 1) * ctx.nDays),
      span,
      'user',
      users[u].email,
      users[u].groupIdx,
    );
    if (p.toDateMicro <= 0 && p.forecastMicro <= 0) continue;
    const f = p.forecast;
    f.includedMicro = allowance;
    for (let i = span.startIdx; i <= ctx.today && !f.exhausted; i++)
      if (usageBased[u * ctx.nDays + i] > 0) {
        f.exhaustionDay = ctx.facts.days[i];
        f.exhausted = true;
      }
    if (!f.exhausted && allowance !== null) f.exhaustionDay = crossingDay(ctx, p, allowance);
    out.push(f);
  }
  groups.forEach((_, g) => out.push(project(ctx, ctx.groupDaily[g], span, 'group', null, g).forecast));
  out.push(project(ctx, ctx.teamDaily, span, 'team', null, -1).forecast);
  return out;
}

/** A projection: the figures a forecast shows, plus what crossingDay needs to walk the line forward. */
interface Projection {
  forecast: Forecast;
  toDateMicro: number;
  forecastMicro: number;
  completeToDate: number;
  remaining: number;
  fit: LinearFit;
  from: number; // day index of the fit's x = 0
  n: number; // points in the fit
}

/** The fitted run rate on day index d (never below zero); 0 without data. No closure per subject: 10,000 users a pass. */
function predicted(p: Pick<Projection, 'fit' | 'from' | 'n'>, d: number): number {
  return p.n === 0 ? 0 : Math.max(0, p.fit.intercept + p.fit.slope * (d - p.from));
}

function project(
  ctx: Ctx,
  series: Float64Array,
  span: ReturnType<typeof cycleSpan>,
  subject: SubjectKind,
  email: string | null,
  g: number,
): Projection {
  const { lookbackDays, rangeZ } = ctx.settings.forecast;
  const lastComplete = ctx.today - 1;
  const from = Math.max(0, lastComplete - lookbackDays + 1);
  const ys = series.subarray(from, Math.max(from, lastComplete + 1)); // a view: 10,000 users, no copies
  const fit = linearFit(ys);
  const n = ys.length;
  const daysTotal = Math.round((span.cycle.endMs - span.cycle.startMs) / 86_400_000);
  const remaining = daysTotal - (ctx.today - span.startIdx); // today..cycle end, inclusive
  const line = { fit, from, n };
  const completeToDate = seriesSum(series, span.startIdx, lastComplete);
  const toDateMicro = seriesSum(series, span.startIdx, ctx.today);
  let future = 0;
  let offsets = 0; // Σ (x_future − x̄) for the slope's share of the interval
  for (let k = 0; k < remaining; k++) {
    future += predicted(line, ctx.today + k);
    offsets += ctx.today + k - from - (n - 1) / 2;
  }
  let sxx = 0;
  for (let i = 0; i < n; i++) sxx += (i - (n - 1) / 2) ** 2;
  const se =
    fit.residualSd * Math.sqrt(remaining + (n > 0 ? remaining ** 2 / n : 0) + (sxx > 0 ? offsets ** 2 / sxx : 0));
  const forecastMicro = Math.max(toDateMicro, completeToDate + future);
  // One literal with every field (no spreads): 10,000 of these a pass.
  const group = g >= 0 ? ctx.facts.groups[g] : null;
  const forecast: Forecast = {
    subject,
    email,
    groupId: group ? group.id : null,
    groupName: group ? group.name : null,
    cycleStartDay: span.startDay,
    cycleEndDay: span.endDay,
    asOfDay: ctx.facts.days[Math.max(0, lastComplete)],
    daysElapsed: Math.max(0, ctx.today - span.startIdx),
    daysTotal,
    toDateMicro: Math.round(toDateMicro),
    forecastMicro: Math.round(forecastMicro),
    lowMicro: Math.round(Math.max(toDateMicro, forecastMicro - rangeZ * se)),
    highMicro: Math.round(forecastMicro + rangeZ * se),
    dailyRateMicro: Math.round(remaining > 0 ? future / remaining : 0),
    includedMicro: null,
    exhaustionDay: null,
    exhausted: false,
  };
  return { forecast, toDateMicro, forecastMicro, completeToDate, remaining, fit, from, n };
}

/** The day the projected cycle-to-date spend reaches `amount` (today if it already has), or null within the cycle. */
function crossingDay(ctx: Ctx, p: Projection, amount: number): string | null {
  if (p.toDateMicro >= amount) return ctx.facts.days[ctx.today];
  let cum = p.completeToDate;
  for (let k = 0; k < p.remaining; k++) {
    cum += predicted(p, ctx.today + k);
    if (cum >= amount) return addDays(ctx.facts.days[ctx.today], k);
  }
  return null;
}

/**
 * The included allowance learned from people who already ran out this cycle: their spend up to
 * the middle of the day their first usage-based request appeared. Needs three such people.
 */
function inferAllowance(ctx: Ctx, startIdx: number): number | null {
  const samples: number[] = [];
  const { spend, usageBased, users } = ctx.facts;
  for (let u = 0; u < users.length; u++) {
    let cum = 0;
    for (let i = startIdx; i <= ctx.today; i++) {
      const v = spend[u * ctx.nDays + i];
      if (usageBased[u * ctx.nDays + i] > 0) {
        if (i > startIdx) samples.push(cum + v / 2);
        break;
      }
      cum += v;
    }
  }
  return samples.length >= 3 ? upperMedian(samples) : null;
}
