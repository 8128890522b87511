import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  fixed1,
  makeFinding,
  modelsBySpend,
  money,
  pushSignal,
  teamSum,
  usd,
} from '../context';
import { upperMedian } from '../stats';

/**
 * Sustained high usage: over the last `windowDays` complete days, a user spent more than
 * `multiplier` × the team's median active user-day on at least `minActiveDays` of them: a habit,
 * not one burst (a single big day is the spike detector's). Needs `minUsers` active people.
 * Info, like plan exhaustion: a person who is always heavy is a fact to review, not an incident,
 * so it alerts only with enableInfoAnomalies (bench/detect-quality: as warnings they were 9 in 10
 * of all false alarms, on heavy users the ground truth has no anomaly for).
 */
export function sustainedHigh(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { multiplier: k, windowDays: w, minActiveDays, minUsers } = ctx.settings.sustained;
  const d = ctx.today - 1; // complete days only
  const from = d - w + 1;
  if (from < 0) return out;
  const { spend, users } = ctx.facts;
  const userDays: number[] = [];
  let activeUsers = 0;
  for (let u = 0; u < users.length; u++) {
    let any = false;
    for (let i = from; i <= d; i++) {
      const v = spend[u * ctx.nDays + i];
      if (v > 0) {
        userDays.push(v);
        any = true;
      }
    }
    if (any) activeUsers++;
  }
  if (activeUsers < minUsers) return out;
  const median = upperMedian(userDays);
  const thresholdMicro = median * k;
  const windowTeam = teamSum(ctx, from, d);
  for (let u = 0; u < users.length; u++) {
    const days: number[] = [];
    for (let i = from; i <= d; i++) days.push(spend[u * ctx.nDays + i]);
    // The level held on minActiveDays days: the minActiveDays-th highest day.
    const held = [...days].sort((a, b) => b - a)[minActiveDays - 1] ?? 0;
    pushSignal(out, ctx, 'sustained_high', { u }, usd(held), usd(thresholdMicro));
    if (!(held > thresholdMicro)) continue;
    const high = days.filter((v) => v > thresholdMicro);
    const total = days.reduce((a, v) => a + v, 0);
    const onset = from + days.findIndex((v) => v > thresholdMicro);
    out.findings.push(
      makeFinding(ctx, {
        detector: 'sustained_high',
        severity: 'info',
        subject: 'user',
        u,
        models: modelsBySpend(ctx, u, from, d).slice(0, 3),
        d,
        onsetDay: onset,
        value: usd(held),
        baseline: usd(median),
        threshold: usd(thresholdMicro),
        unit: 'usd',
        message: `${users[u].name}: above ${money(thresholdMicro)}/day (${fixed1(k)}× the team median of ${money(median)}) on ${high.length} of the last ${w} days, ${money(total / w)}/day on average`,
        amountMicro: total,
        periodTeamMicro: windowTeam,
      }),
    );
  }
  return out;
}
