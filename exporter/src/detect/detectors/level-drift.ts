import { isWeekendDay, ownBaselines } from '../baseline';
import { type Ctx, type DetectorOutput, emptyOutput, firstSpendDay, makeFinding, micro, modelsBySpend, money, pushSignal, seriesSum, teamSum, usd } from '../context';
import { levelComparison, mannKendall, median, theilSenSlope } from '../stats';

/**
 * Drift of a person's level: their spend growing over several weeks through more work (tokens grow
 * with it), which no single day spikes and $/request drift does not see. Over the last `levelWeeks`
 * weeks of complete days it looks at the person's ACTIVE WEEKDAYS only (one day class, so the weekly
 * rhythm, quiet weekends and days off are no trend), each day's spend over the team's factor for
 * that day (baseline.ts: a release day is no one's growth), in logs. It is drift when
 * - level: the working days of the last two weeks stand minLevelRisePercent or more above those of
 *   the first two (the Hodges–Lehmann shift, stats.levelComparison), at least minLevelZ standard
 *   errors clear, the errors from the person's own day-to-day scatter (robust, so a lone dear day
 *   neither makes the rise nor hides it) — noisy people and light users with few days need more;
 * - it held: the median working day of the last week stands the required rise above the first two
 *   weeks', the week before it half that in log terms (where a steady rise would be; a burst of a
 *   few days lifts one week's median, not both), and the last week alone is clear of the first two
 *   by half the z (it has half the days);
 * - it rose week after week: the Mann–Kendall trend of the weekly medians is rising at a one-sided
 *   p of about 0.15 or less (S ≥ 7 of 15 for six weeks; rank-based, so daily noise and one odd
 *   week do not decide it; a second, partly independent piece of evidence beside the z);
 * - it matters: the typical working day rose by minLevelIncreaseUsdPerWeek ÷ 5 or more (a light
 *   user doubling $0.50 is no drift);
 * - tokens rose too, at half the rate or more (when tokens are reported): spend rising at flat
 *   tokens is a price change, cost-per-request drift's business.
 * Absent days (vacations) are no evidence either way; the first two weeks need spikeMinActiveDays
 * active weekdays, so a new hire has no level to grow from. One key per person
 * (drift:<email>:level), beside the $/request drift's (drift:<email>).
 */
export function levelDrift(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { levelWeeks, minLevelRisePercent, minLevelZ, minLevelIncreaseUsdPerWeek } = ctx.settings.drift;
  const minActive = ctx.settings.trends.spikeMinActiveDays;
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
  const minRise = Math.log(1 + minLevelRisePercent / 100);
  const minIncreaseDay = micro(minLevelIncreaseUsdPerWeek) / 5;
  const early = d - 7 * levelWeeks + 14; // last day of the first two weeks
  const late = d - 13; // first day of the last two weeks
  const lastWeekTeam = teamSum(ctx, d - 6, d);
  for (let u = 0; u < users.length; u++) {
    const first = firstSpendDay(ctx, u);
    if (first < 0 || first > from) continue;
    const base = u * nD;
    const s = spend.subarray(base, base + nD);
    // Cheap pre-check (most people): the last two weeks spent more than the first two, by at least
    // a working week's floor.
    const sumE = seriesSum(s, from, early);
    const sumR = seriesSum(s, late, d);
    if (!(sumR > sumE) || sumR - sumE < micro(minLevelIncreaseUsdPerWeek)) continue;
    const lv = levelComparison(s, weekday, team, from, early, late, d, minActive);
    if (lv === null) continue;
    if (lv.z >= minLevelZ) pushSignal(out, ctx, 'drift', { u }, (Math.exp(lv.rise) - 1) * 100, minLevelRisePercent);
    if (!(lv.rise >= minRise && lv.z >= minLevelZ)) continue;
    const startLevel = Math.exp(lv.earlyLevel);
    const endLevel = Math.exp(lv.earlyLevel + lv.rise);
    if (endLevel - startLevel < minIncreaseDay) continue;
    const weeks = weeklyMedians(s, weekday, team, from, levelWeeks);
    const lastWeek = levelComparison(s, weekday, team, from, early, d - 6, d, 1);
    const held = weeks[levelWeeks - 1] >= lv.earlyLevel + minRise && weeks[levelWeeks - 2] >= lv.earlyLevel + minRise / 2 && lastWeek !== null && lastWeek.z >= minLevelZ / 2;
    if (!held || mannKendall(weeks).z < MIN_TREND_Z) continue;
    const tk = tokens.subarray(base, base + nD);
    const tkLv = seriesSum(tk, from, d) > 0 ? levelComparison(tk, weekday, team, from, early, late, d, minActive) : null;
    if (tkLv !== null && tkLv.rise < lv.rise / 2) continue;
    // Onset: the first week after the first two standing half the rise above them.
    let onsetWeek = levelWeeks - 2;
    for (let w = 2; w < levelWeeks; w++)
      if (weeks[w] >= lv.earlyLevel + lv.rise / 2) {
        onsetWeek = w;
        break;
      }
    const perWeek = Math.exp(theilSenSlope(weeks)) - 1;
    const w0 = seriesSum(s, from, from + 6);
    const w1 = seriesSum(s, d - 6, d);
    out.findings.push(
      makeFinding(ctx, {
        detector: 'drift',
        severity: 'warning',
        subject: 'user',
        u,
        models: modelsBySpend(ctx, u, d - 6, d).slice(0, 3),
        keyPart: 'level',
        d,
        onsetDay: from + 7 * onsetWeek,
        value: usd(endLevel),
        baseline: usd(startLevel),
        threshold: usd(startLevel * (1 + minLevelRisePercent / 100)),
        unit: 'usd',
        message: `${users[u].name}: spend level has grown ${fixedX(endLevel / startLevel)} over ${levelWeeks} weeks (about ${Math.round(perWeek * 100)}%/week), ${money(startLevel)} → ${money(endLevel)} on a working day${tkLv !== null ? ` (tokens ${fixedX(Math.exp(tkLv.rise))})` : ''}; weekly spend ${money(w0)} → ${money(w1)}`,
        amountMicro: (endLevel - startLevel) * 5,
        periodTeamMicro: lastWeekTeam,
      }),
    );
  }
  return out;
}

/** Mann–Kendall one-sided p ≈ 0.15 (S ≥ 7 of 15 for six weeks): weak alone, a second check beside the z. */
const MIN_TREND_Z = 1.04;

const fixedX = (x: number) => `×${x.toFixed(1)}`;

/** ln of the median active weekday (over the team factor) of each week of the window; NaN = no active weekday. */
function weeklyMedians(s: ArrayLike<number>, weekday: ArrayLike<number>, team: ArrayLike<number>, from: number, weeks: number): number[] {
  const out: number[] = [];
  for (let w = 0; w < weeks; w++) {
    const xs: number[] = [];
    for (let i = from + 7 * w; i < from + 7 * w + 7; i++) if (weekday[i] && s[i] > 0) xs.push(Math.log(s[i] / team[i]));
    out.push(median(xs) ?? NaN);
  }
  return out;
}
