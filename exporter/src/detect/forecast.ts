import { addDays } from '../domain/time';
import { type Ctx, cycleSpan, micro, seriesSum } from './context';
import { linearFit, upperMedian } from './stats';
import type { Forecast, SubjectKind } from './types';

/**
 * Cycle-end forecasts for every user with spend, every group and the team. The run rate is a
 * least-squares line over the last `lookbackDays` complete days, extrapolated (never below zero)
 * over the rest of the cycle, today included, because today is still partial. The range is the
 * prediction interval of that sum: future day noise plus the uncertainty of the line itself.
 */
export function forecasts(ctx: Ctx): Forecast[] {
  const span = cycleSpan(ctx, ctx.today);
  const allowance = ctx.settings.forecast.includedUsdPerUser > 0 ? micro(ctx.settings.forecast.includedUsdPerUser) : inferAllowance(ctx, span.startIdx);
  const out: Forecast[] = [];
  const { users, groups, spend, usageBased } = ctx.facts;
  for (let u = 0; u < users.length; u++) {
    const series = spend.subarray(u * ctx.nDays, (u + 1) * ctx.nDays);
    const f = project(ctx, series, span);
    if (f.toDateMicro <= 0 && f.forecastMicro <= 0) continue;
    let exhaustionDay: string | null = null;
    let exhausted = false;
    for (let i = span.startIdx; i <= ctx.today && !exhausted; i++)
      if (usageBased[u * ctx.nDays + i] > 0) {
        exhaustionDay = ctx.facts.days[i];
        exhausted = true;
      }
    if (!exhausted && allowance !== null) exhaustionDay = f.crossing(allowance);
    out.push({ ...f.base, subject: 'user', email: users[u].email, ...groupOf(ctx, users[u].groupIdx), includedMicro: allowance, exhaustionDay, exhausted });
  }
  groups.forEach((_, g) => {
    const f = project(ctx, ctx.groupDaily[g], span);
    out.push({ ...f.base, subject: 'group', email: null, ...groupOf(ctx, g), includedMicro: null, exhaustionDay: null, exhausted: false });
  });
  const t = project(ctx, ctx.teamDaily, span);
  out.push({ ...t.base, subject: 'team', email: null, groupId: null, groupName: null, includedMicro: null, exhaustionDay: null, exhausted: false });
  return out;
}

type Base = Omit<Forecast, 'subject' | 'email' | 'groupId' | 'groupName' | 'includedMicro' | 'exhaustionDay' | 'exhausted'>;

function groupOf(ctx: Ctx, g: number): { groupId: string | null; groupName: string | null } {
  return g >= 0 ? { groupId: ctx.facts.groups[g].id, groupName: ctx.facts.groups[g].name } : { groupId: null, groupName: null };
}

function project(
  ctx: Ctx,
  series: Float64Array,
  span: ReturnType<typeof cycleSpan>,
): { base: Base; toDateMicro: number; forecastMicro: number; crossing: (amount: number) => string | null } {
  const { lookbackDays, rangeZ } = ctx.settings.forecast;
  const lastComplete = ctx.today - 1;
  const from = Math.max(0, lastComplete - lookbackDays + 1);
  const ys = series.subarray(from, Math.max(from, lastComplete + 1)); // a view: 10,000 users, no copies
  const fit = linearFit(ys);
  const n = ys.length;
  const daysTotal = Math.round((span.cycle.endMs - span.cycle.startMs) / 86_400_000);
  const remaining = daysTotal - (ctx.today - span.startIdx); // today..cycle end, inclusive
  const pred = (d: number) => (n === 0 ? 0 : Math.max(0, fit.intercept + fit.slope * (d - from)));
  const completeToDate = seriesSum(series, span.startIdx, lastComplete);
  const toDateMicro = seriesSum(series, span.startIdx, ctx.today);
  let future = 0;
  let offsets = 0; // Σ (x_future − x̄) for the slope's share of the interval
  for (let k = 0; k < remaining; k++) {
    future += pred(ctx.today + k);
    offsets += ctx.today + k - from - (n - 1) / 2;
  }
  let sxx = 0;
  for (let i = 0; i < n; i++) sxx += (i - (n - 1) / 2) ** 2;
  const se = fit.residualSd * Math.sqrt(remaining + (n > 0 ? remaining ** 2 / n : 0) + (sxx > 0 ? offsets ** 2 / sxx : 0));
  const forecastMicro = Math.max(toDateMicro, completeToDate + future);
  const base: Base = {
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
  };
  const crossing = (amount: number): string | null => {
    if (toDateMicro >= amount) return ctx.facts.days[ctx.today];
    let cum = completeToDate;
    for (let k = 0; k < remaining; k++) {
      cum += pred(ctx.today + k);
      if (cum >= amount) return addDays(ctx.facts.days[ctx.today], k);
    }
    return null;
  };
  return { base, toDateMicro, forecastMicro, crossing };
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
