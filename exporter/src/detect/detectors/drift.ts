import { type Ctx, type DetectorOutput, emptyOutput, firstSpendDay, makeFinding, micro, money, pushSignal, seriesSum, teamSum, usd } from '../context';

/**
 * Drift: slow growth no single day spikes. The last `weeks` 7-day blocks (the latest ending on the
 * last complete day) each exceed the block before, and the average week-over-week growth is at least
 * minWeeklyGrowthPercent. Runs for every user with a full history and for every billing group.
 */
export function drift(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { weeks, minWeeklyGrowthPercent, minWeeklySpendUsd } = ctx.settings.drift;
  const d = ctx.today - 1;
  const from = d - 7 * weeks + 1;
  if (from < 0) return out;
  const lastWeekTeam = teamSum(ctx, d - 6, d);
  const check = (series: ArrayLike<number>, who: { u?: number; g?: number }, name: string) => {
    const w = Array.from({ length: weeks }, (_, j) => seriesSum(series, from + 7 * j, from + 7 * j + 6));
    if (w[0] < micro(minWeeklySpendUsd) || w[0] <= 0) return;
    const growth = (w[weeks - 1] / w[0]) ** (1 / (weeks - 1)) - 1;
    const thresholdMicro = w[0] * (1 + minWeeklyGrowthPercent / 100) ** (weeks - 1);
    const steadily = w.every((x, j) => j === 0 || x > w[j - 1]);
    if (steadily) pushSignal(out, ctx, 'drift', who, usd(w[weeks - 1]), usd(thresholdMicro));
    if (!steadily || !(w[weeks - 1] >= thresholdMicro)) return;
    out.findings.push(
      makeFinding(ctx, {
        detector: 'drift',
        severity: 'warning',
        subject: who.u !== undefined ? 'user' : 'group',
        ...who,
        d,
        onsetDay: from + 7, // growth shows from the second block on
        value: usd(w[weeks - 1]),
        baseline: usd(w[0]),
        threshold: usd(thresholdMicro),
        unit: 'usd',
        message: `${name}: weekly spend grew ${weeks - 1} weeks in a row, ${money(w[0])} → ${money(w[weeks - 1])} (+${Math.round(growth * 100)}%/week)`,
        amountMicro: w[weeks - 1] - w[weeks - 2],
        periodTeamMicro: lastWeekTeam,
      }),
    );
  };
  const { spend, users, groups } = ctx.facts;
  for (let u = 0; u < users.length; u++) {
    const first = firstSpendDay(ctx, u);
    if (first < 0 || first > from) continue;
    check(spend.subarray(u * ctx.nDays, (u + 1) * ctx.nDays), { u }, users[u].name);
  }
  groups.forEach((g, gi) => check(ctx.groupDaily[gi], { g: gi }, g.name));
  return out;
}
