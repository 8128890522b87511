import { isWeekendDay, ownBaselines } from '../baseline';
import { type Ctx, type DetectorOutput, emptyOutput, firstSpendDay, makeFinding, micro, modelsBySpend, money, pushSignal, seriesSum, teamSum, usd } from '../context';
import { median, rampLogTrend } from '../stats';

/**
 * Drift of a person's level: their spend growing week after week through more work (tokens grow
 * with it), which no single day spikes and $/request drift does not see. Over the last
 * `levelWeeks` weeks of complete days, ln(spend) on the person's ACTIVE WEEKDAYS (one day class, so
 * the weekly rhythm and days off are no trend), each day over the team's factor for it (baseline.ts:
 * release days are no one's growth), is fitted as flat and then growing (stats.rampLogTrend; a lone
 * dear day is trimmed). It is drift when
 * - the growth is at least minLevelGrowthPercent a week and minLevelTStat standard errors clear of
 *   zero, and the fitted level rose by minLevelIncreaseUsdPerWeek or more;
 * - it kept its level: the last week's typical working day stands at least half the required growth
 *   (in log terms) above the typical working day before the growth began (dear days that ended tilt
 *   a line, not this);
 * - tokens grew too, at half the rate or more (when tokens are reported): spend rising at flat
 *   tokens is a price change, cost-per-request drift's business.
 * One key per person (drift:<email>:level), beside the $/request drift's (drift:<email>).
 */
export function levelDrift(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { levelWeeks, minLevelGrowthPercent, minLevelTStat, minLevelIncreaseUsdPerWeek, minWeeklySpendUsd } = ctx.settings.drift;
  const d = ctx.today - 1;
  const from = d - 7 * levelWeeks + 1;
  if (from < 0) return out;
  const { spend, tokens, users } = ctx.facts;
  const nD = ctx.nDays;
  const own = ownBaselines(ctx);
  const weekday = new Uint8Array(nD);
  const team = new Float64Array(nD).fill(1);
  for (let i = from; i <= d; i++) {
    weekday[i] = isWeekendDay(ctx, i) ? 0 : 1;
    team[i] = own.teamFactor(i);
  }
  const minGrowth = minLevelGrowthPercent / 100;
  const minIncrease = micro(minLevelIncreaseUsdPerWeek);
  const lastWeekTeam = teamSum(ctx, d - 6, d);
  const span = 7 * levelWeeks - 1;
  const active = new Float64Array(nD); // 1 on the person's active weekdays: the fit's days
  for (let u = 0; u < users.length; u++) {
    const first = firstSpendDay(ctx, u);
    if (first < 0 || first > from) continue;
    const base = u * nD;
    const s = spend.subarray(base, base + nD);
    // Cheap pre-checks (most people): a material first week and a rise from the first week to the last.
    const w0 = seriesSum(s, from, from + 6);
    const w1 = seriesSum(s, d - 6, d);
    if (w0 < micro(minWeeklySpendUsd) || !(w1 > w0 * (1 + minGrowth)) || w1 - w0 < minIncrease / 2) continue;
    for (let i = from; i <= d; i++) active[i] = weekday[i] && s[i] > 0 ? 1 : 0;
    const trend = rampLogTrend(s, active, from, d, team);
    if (trend === null) continue;
    const growth = Math.exp(7 * trend.slope) - 1;
    if (trend.t >= minLevelTStat) pushSignal(out, ctx, 'drift', { u }, growth * 100, minLevelGrowthPercent);
    if (!(trend.t >= minLevelTStat && growth >= minGrowth)) continue;
    const startLevel = Math.exp(trend.intercept);
    const endLevel = Math.exp(trend.intercept + trend.slope * (span - trend.start));
    const increase = (endLevel - startLevel) * (trend.days / levelWeeks);
    if (increase < minIncrease) continue;
    const typical = (a: number, b: number) => {
      const xs: number[] = [];
      for (let i = a; i <= b; i++) if (active[i]) xs.push(s[i] / team[i]);
      return median(xs) ?? 0;
    };
    const before = trend.start >= 7 ? typical(from, from + trend.start - 1) : typical(from, from + 6);
    if (!(typical(d - 6, d) >= before * (1 + minGrowth) ** ((span - trend.start) / 14))) continue;
    const tk = tokens.subarray(base, base + nD);
    const tokenTrend = rampLogTrend(tk, active, from, d, team);
    const tokenGrowth = tokenTrend === null ? null : Math.exp(7 * tokenTrend.slope) - 1;
    if (tokenGrowth !== null && tokenGrowth < growth / 2) continue;
    out.findings.push(
      makeFinding(ctx, {
        detector: 'drift',
        severity: 'warning',
        subject: 'user',
        u,
        models: modelsBySpend(ctx, u, d - 6, d).slice(0, 3),
        keyPart: 'level',
        d,
        onsetDay: from + trend.start,
        value: usd(endLevel),
        baseline: usd(startLevel),
        threshold: usd(startLevel * (1 + minGrowth) ** ((span - trend.start) / 7)),
        unit: 'usd',
        message: `${users[u].name}: spend level has grown ${Math.round(growth * 100)}%/week for ${Math.round((span - trend.start) / 7)} weeks, ${money(startLevel)} → ${money(endLevel)} on a working day${tokenGrowth !== null ? ` (tokens ${Math.round(tokenGrowth * 100)}%/week)` : ''}; weekly spend ${money(w0)} → ${money(w1)}`,
        amountMicro: increase,
        periodTeamMicro: lastWeekTeam,
      }),
    );
  }
  return out;
}
