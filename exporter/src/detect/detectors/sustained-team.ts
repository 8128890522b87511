import { median } from '../stats';
import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  fixed1,
  makeFinding,
  money,
  pushSignal,
  seriesSum,
} from '../context';

/**
 * Sustained high usage of the whole team: each of the last `teamDays` complete days spent more
 * than `teamMultiplier` × the same weekday's median over the (up to seven, at least three) weeks
 * before it: weekdays compared with weekdays, so a Monday after a quiet weekend is ordinary, and a
 * median, so a quiet (lull) weekend or two among those weeks does not make the next ordinary
 * weekend look like a surge. One surge day is not
 * sustained; a surge that lasts is, even when nobody stands out from the team on their own.
 */
export function sustainedTeam(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { teamMultiplier: k, teamDays: n } = ctx.settings.sustained;
  const last = ctx.today - 1;
  const first = last - n + 1;
  if (first - 21 < 0) return out;
  const team = ctx.teamDaily;
  /** The usual spend of day i's weekday: the median of it over the weeks before (up to seven). */
  const usual = (i: number): number => {
    const xs: number[] = [];
    for (let w = 1; w <= 7 && i - 7 * w >= 0; w++) xs.push(team[i - 7 * w]);
    return median(xs) as number;
  };
  let minRatio = Infinity;
  let spent = 0;
  let norm = 0;
  for (let i = first; i <= last; i++) {
    const base = usual(i);
    minRatio = Math.min(minRatio, base > 0 ? team[i] / base : 0);
    spent += team[i];
    norm += base;
  }
  pushSignal(out, ctx, 'sustained_high', {}, minRatio, k);
  if (!(minRatio > k)) return out;
  let onset = first;
  while (onset > 21 && team[onset - 1] > k * usual(onset - 1)) onset--;
  out.findings.push(
    makeFinding(ctx, {
      detector: 'sustained_high',
      severity: minRatio > k * 3 ? 'critical' : 'warning',
      subject: 'team',
      d: last,
      onsetDay: onset,
      value: minRatio,
      baseline: 1,
      threshold: k,
      unit: 'ratio',
      message: `Team: spend has run at ${fixed1(spent / norm)}× its usual level for ${last - onset + 1} days (${money(spent)} over the last ${n} days against ${money(norm)} on the same weekdays before)`,
      amountMicro: spent - norm,
      periodTeamMicro: seriesSum(team, first, last),
    }),
  );
  return out;
}
