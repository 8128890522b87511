import {
  type Ctx,
  type DetectorOutput,
  cycleSpan,
  emptyOutput,
  fixed1,
  makeFinding,
  micro,
  modelsBySpend,
  money,
  pushSignal,
  severityOf,
  teamSum,
  usd,
  userSum,
} from '../context';
import { DAY_MS, dayStartMs } from '../../domain/time';
import { upperMedian } from '../stats';

/**
 * Cycle outlier: a user's cycle-to-date spend against the team median of active users (spend > 0
 * this cycle), with the reference's rules: ≥ cycleOutlierMinUsers active, upper median, median at
 * least cycleOutlierMinMedianUsd, critical above 3× the multiplier. It runs from day
 * cycleOutlierMinDays of the cycle on: over the first week, who happened to work which days swings
 * a steady heavy user between 8× and 18× the median (bench/detect-quality).
 */
export function cycleOutlier(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const {
    cycleOutlierMultiplier: k,
    cycleOutlierMinMedianUsd,
    cycleOutlierMinUsers,
    cycleOutlierMinDays,
  } = ctx.settings.trends;
  const d = ctx.today;
  const span = cycleSpan(ctx, d);
  if (Math.round((dayStartMs(ctx.facts.days[d]) - dayStartMs(span.startDay)) / DAY_MS) + 1 < cycleOutlierMinDays)
    return out;
  const totals = ctx.facts.users.map((_, u) => userSum(ctx, ctx.facts.spend, u, span.startIdx, d));
  const active = totals.filter((t) => t > 0);
  if (active.length < cycleOutlierMinUsers) return out;
  const median = upperMedian(active);
  if (median < micro(cycleOutlierMinMedianUsd) || median <= 0) return out;
  const thresholdMicro = median * k;
  const teamCycle = teamSum(ctx, span.startIdx, d);
  totals.forEach((total, u) => {
    pushSignal(out, ctx, 'cycle_outlier', { u }, usd(total), usd(thresholdMicro));
    if (!(total > thresholdMicro)) return;
    let cum = 0;
    let onset = d;
    for (let i = span.startIdx; i <= d; i++) {
      cum += ctx.facts.spend[u * ctx.nDays + i];
      if (cum > thresholdMicro) {
        onset = i;
        break;
      }
    }
    out.findings.push(
      makeFinding(ctx, {
        detector: 'cycle_outlier',
        severity: severityOf(total, thresholdMicro, 3),
        subject: 'user',
        u,
        models: modelsBySpend(ctx, u, span.startIdx, d).slice(0, 3),
        d,
        onsetDay: onset,
        value: usd(total),
        baseline: usd(median),
        threshold: usd(thresholdMicro),
        unit: 'usd',
        message: `${ctx.facts.users[u].name}: cycle spend ${money(total)} is ${fixed1(total / median)}× the team median (${money(median)})`,
        amountMicro: total,
        periodTeamMicro: teamCycle,
      }),
    );
  });
  return out;
}
