import { type Ctx, type DetectorOutput, emptyOutput, fixed1, makeFinding, modelsBySpend, money, pushSignal, severityOf, teamSum, usd } from '../context';
import { upperMedian } from '../stats';

/**
 * Sustained high usage: over the last `windowDays` complete days, a user's average daily spend is
 * above `multiplier` × the team median of active users' averages, on at least `minActiveDays` days,
 * so it is a habit rather than one burst (which the spike detector covers).
 */
export function sustainedHigh(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { multiplier: k, windowDays: w, minActiveDays, minUsers } = ctx.settings.sustained;
  const d = ctx.today - 1; // complete days only
  const from = d - w + 1;
  if (from < 0) return out;
  const { spend, users } = ctx.facts;
  const avgs = new Float64Array(users.length);
  const activeDays = new Int32Array(users.length);
  const active: number[] = [];
  for (let u = 0; u < users.length; u++) {
    let s = 0;
    for (let i = from; i <= d; i++) {
      const v = spend[u * ctx.nDays + i];
      s += v;
      if (v > 0) activeDays[u]++;
    }
    avgs[u] = s / w;
    if (s > 0) active.push(avgs[u]);
  }
  if (active.length < minUsers) return out;
  const median = upperMedian(active);
  if (!(median > 0)) return out;
  const thresholdMicro = median * k;
  const windowTeam = teamSum(ctx, from, d);
  for (let u = 0; u < users.length; u++) {
    if (activeDays[u] < minActiveDays) continue;
    pushSignal(out, ctx, 'sustained_high', { u }, usd(avgs[u]), usd(thresholdMicro));
    if (!(avgs[u] > thresholdMicro)) continue;
    let onset = from;
    while (onset < d && !(spend[u * ctx.nDays + onset] > thresholdMicro)) onset++;
    out.findings.push(
      makeFinding(ctx, {
        detector: 'sustained_high',
        severity: severityOf(avgs[u], thresholdMicro, 3),
        subject: 'user',
        u,
        models: modelsBySpend(ctx, u, from, d).slice(0, 3),
        d,
        onsetDay: onset,
        value: usd(avgs[u]),
        baseline: usd(median),
        threshold: usd(thresholdMicro),
        unit: 'usd',
        message: `${users[u].name}: averaged ${money(avgs[u])}/day over the last ${w} days (${activeDays[u]} active), ${fixed1(avgs[u] / median)}× the team median of ${money(median)}/day`,
        amountMicro: avgs[u] * w,
        periodTeamMicro: windowTeam,
      }),
    );
  }
  return out;
}
