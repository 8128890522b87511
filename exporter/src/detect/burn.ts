import { DAY_MS, HOUR_MS, dayStartMs } from '../domain/time';
import { type Ctx, cycleSpan, seriesSum } from './context';
import { type BudgetSubject, budgetSubjects } from './budgets';
import { BURN_WINDOWS, type BurnRate, type BurnWindow } from './types';

export const WINDOW_MS: Record<BurnWindow, number> = {
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '1d': DAY_MS,
  '3d': 3 * DAY_MS,
};

/**
 * SLO-style budget burn rates for the team and each budgeted group: for each window, the share of
 * the budget spent in it divided by the share of the cycle it spans (1 = exactly on pace). Fast burn
 * needs both 1h and 6h above fastBurnRate, slow burn both 1d and 3d above slowBurnRate, so one
 * noisy hour cannot page and a burn that has stopped clears quickly.
 */
export function burnRates(ctx: Ctx): BurnRate[] {
  const span = cycleSpan(ctx, ctx.today);
  const cycleMs = span.cycle.endMs - span.cycle.startMs;
  const { fastBurnRate, slowBurnRate } = ctx.settings.budgets;
  return budgetSubjects(ctx).map((s) => {
    const windows = BURN_WINDOWS.map((window) => {
      const spendMicro = windowSpend(ctx, s, WINDOW_MS[window]);
      return {
        window,
        spendMicro: Math.round(spendMicro),
        rate: round(spendMicro / s.budgetMicro / (WINDOW_MS[window] / cycleMs)),
      };
    });
    const rate = (w: BurnWindow) => windows[BURN_WINDOWS.indexOf(w)].rate;
    const cycleToDateMicro = seriesSum(s.daily, span.startIdx, ctx.today);
    const group = s.g >= 0 ? ctx.facts.groups[s.g] : null;
    return {
      subject: group ? 'group' : 'team',
      groupId: group ? group.id : null,
      groupName: group ? group.name : null,
      budgetMicro: s.budgetMicro,
      cycleToDateMicro,
      budgetUsedRatio: round(cycleToDateMicro / s.budgetMicro),
      cycleElapsedRatio: round(Math.min(1, Math.max(0, (ctx.nowMs - span.cycle.startMs) / cycleMs))),
      windows,
      fastBurn: rate('1h') > fastBurnRate && rate('6h') > fastBurnRate,
      slowBurn: rate('1d') > slowBurnRate && rate('3d') > slowBurnRate,
    };
  });
}

/**
 * Spend in the window ending at the data's end: from hourly buckets when raw events are loaded,
 * otherwise prorated from daily totals (today's spend spread over the part of today elapsed).
 */
function windowSpend(ctx: Ctx, s: BudgetSubject, windowMs: number): number {
  const hourly = ctx.facts.hourly;
  if (hourly) {
    const series = s.g >= 0 ? hourly.byGroup[s.g] : hourly.team;
    const end = Math.min(hourly.endMs, ctx.nowMs);
    const last = Math.ceil((end - hourly.startMs) / HOUR_MS) - 1;
    const first = Math.floor((end - windowMs - hourly.startMs) / HOUR_MS);
    return seriesSum(series, first, Math.min(last, series.length - 1));
  }
  let sum = 0;
  const from = ctx.nowMs - windowMs;
  for (let d = ctx.today; d >= 0; d--) {
    const start = dayStartMs(ctx.facts.days[d]);
    const end = Math.min(start + DAY_MS, ctx.nowMs);
    if (end <= from) break;
    const overlap = end - Math.max(start, from);
    sum += end > start ? (s.daily[d] * overlap) / (end - start) : 0;
  }
  return sum;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
