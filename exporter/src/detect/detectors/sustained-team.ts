import { ownBaselines } from '../baseline';
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
 * And it is the team's: on each of those days the typical person spent more than
 * `teamMultiplier` × their own usual too (the team factor, baseline.ts: the median person's spend
 * over their own baseline), so one or two people's level shift carrying a small weekend total is
 * theirs to be reported (level_shift, spend_spike), not a team surge.
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
  const own = ownBaselines(ctx);
  /** Day i's spend over its usual, the lower of the team's total and the typical person's. */
  const ratio = (i: number): number => {
    const base = usual(i);
    return Math.min(base > 0 ? team[i] / base : 0, own.teamFactor(i));
  };
  let minRatio = Infinity;
  let spent = 0;
  let norm = 0;
  for (let i = first; i <= last; i++) {
    minRatio = Math.min(minRatio, ratio(i));
    spent += team[i];
    norm += usual(i);
  }
  pushSignal(out, ctx, 'sustained_high', {}, minRatio, k);
  if (!(minRatio > k)) return out;
  let onset = first;
  while (onset > 21 && ratio(onset - 1) > k) onset--;
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
