import { ownBaselines, weekendFlags } from '../baseline';
import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  firstSpendDay,
  makeFinding,
  micro,
  modelsBySpend,
  money,
  pushSignal,
  seriesSum,
  teamSum,
  usd,
} from '../context';
import { levelComparison } from '../stats';

/**
 * Drift of a person's level: their spend grown over several weeks through more work (tokens grow
 * with it), which no single day spikes and $/request drift does not see. The person's own level of
 * the last two weeks (ending on the last complete day) is held against their own level 3 to
 * `levelWeeks` weeks ago (as far back as their history goes, at least three weeks; the week between
 * is skipped: a rise in progress belongs to neither). Both are read from the person's ACTIVE
 * WORKING DAYS only (baseline.ts: weekdays, less those they seldom work), each
 * day's spend over the team's factor for the day (baseline.ts: a release day is no one's growth),
 * in logs: one day class, so the weekly rhythm, quiet weekends and days off (vacations) are no
 * evidence either way. It is drift when
 * - level: the recent working days stand minLevelRisePercent or more above the earlier ones (the
 *   Hodges–Lehmann shift, stats.levelComparison: robust, so a lone dear day neither makes the rise
 *   nor hides it), at least minLevelZ standard errors clear, the errors from the person's own
 *   day-to-day scatter — a noisy person or a light user with few days needs a larger rise;
 * - it holds: each of the two recent weeks on its own stands half the required rise above the
 *   earlier level (the later one the whole rise), half the z clear (a burst of a few days lifts one
 *   week, not both — that is level_shift's); an earlier week the team was mostly away (a holiday
 *   week: baseline.ts teamAway on three of its weekdays) is no evidence either way and is not judged;
 * - it is a level, not a step: the recent days level_shift counts as elevated (over
 *   levelShift.multiplier × the person's weekday baseline × the day's team factor, and
 *   minExcessUsdPerDay above it: a step, a spike, that detector's business) are left out, and the
 *   rise holds on most of what remains — more than half
 *   the recent active working days stand half the required rise above the earlier level, so a few
 *   dear days cannot carry a rise the other days do not show;
 * - it matters: the typical working day rose by minLevelIncreaseUsdPerWeek ÷ 5 or more (a light
 *   user doubling $0.50 is no drift);
 * - tokens rose too, at half the rate or more (when tokens are reported): spend rising at flat
 *   tokens is a price change, cost-per-request drift's business.
 * The earlier window needs spikeMinActiveDays active weekdays, so a new hire has no level to grow
 * from. One key per person (drift:<email>:level), beside the $/request drift's (drift:<email>).
 */
export function levelDrift(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { levelWeeks, minLevelRisePercent, minLevelZ, minLevelIncreaseUsdPerWeek } = ctx.settings.drift;
  const minActive = ctx.settings.trends.spikeMinActiveDays;
  const d = ctx.today - 1;
  const lateFrom = d - RECENT_DAYS + 1;
  const earlyTo = lateFrom - GAP_DAYS - 1;
  const oldest = Math.max(0, d - 7 * levelWeeks + 1);
  if (earlyTo - oldest + 1 < MIN_EARLY_DAYS) return out;
  const { spend, tokens, users } = ctx.facts;
  const nD = ctx.nDays;
  const own = ownBaselines(ctx);
  const working = new Uint8Array(nD); // the person's working days (baseline.ts), set per person
  const team = new Float64Array(nD).fill(1);
  for (let i = oldest; i <= d; i++) team[i] = own.teamFactor(i);
  const minRise = Math.log(1 + minLevelRisePercent / 100);
  const { multiplier: kStep, minExcessUsdPerDay } = ctx.settings.levelShift;
  const minStepExcess = micro(minExcessUsdPerDay);
  const minIncreaseDay = micro(minLevelIncreaseUsdPerWeek) / 5;
  const lastWeekTeam = teamSum(ctx, d - 6, d);
  // The recent weeks judged on their own (below). The earlier one is left out when the team was
  // mostly away in it (a holiday week: three of its weekdays or more), no evidence of anyone's level
  // either way; the last week is always judged: a level is what it shows now (after a holiday
  // week, the next pass judges the week the team is back).
  const weekend = weekendFlags(ctx);
  let awayWeekdays = 0;
  for (let i = lateFrom; i < lateFrom + 7; i++) if (!weekend[i] && own.teamAway(i)) awayWeekdays++;
  const judgedWeeks = awayWeekdays >= 3 ? [lateFrom + 7] : [lateFrom, lateFrom + 7];
  for (let u = 0; u < users.length; u++) {
    const first = firstSpendDay(ctx, u);
    const earlyFrom = Math.max(oldest, first);
    if (first < 0 || earlyTo - earlyFrom + 1 < MIN_EARLY_DAYS) continue;
    const base = u * nD;
    const s = spend.subarray(base, base + nD);
    // Cheap pre-check (most people): the recent days spent more a day than the earlier ones, by at
    // least the floor.
    const perDayE = seriesSum(s, earlyFrom, earlyTo) / (earlyTo - earlyFrom + 1);
    const perDayR = seriesSum(s, lateFrom, d) / RECENT_DAYS;
    if (!(perDayR - perDayE >= micro(minLevelIncreaseUsdPerWeek) / 7)) continue;
    for (let i = earlyFrom; i <= d; i++) working[i] = own.offDay(u, i) ? 0 : 1;
    if (own.weekday[u] > 0)
      for (let i = lateFrom; i <= d; i++) {
        const e = own.weekday[u] * team[i];
        if (working[i] && s[i] > kStep * e && s[i] - e >= minStepExcess) working[i] = 0;
      }
    const lv = levelComparison(s, working, team, earlyFrom, earlyTo, lateFrom, d, minActive);
    if (lv === null) continue;
    if (lv.z >= minLevelZ) pushSignal(out, ctx, 'drift', { u }, (Math.exp(lv.rise) - 1) * 100, minLevelRisePercent);
    if (!(lv.rise >= minRise && lv.z >= minLevelZ)) continue;
    const startLevel = Math.exp(lv.earlyLevel);
    const endLevel = Math.exp(lv.earlyLevel + lv.rise);
    if (endLevel - startLevel < minIncreaseDay) continue;
    // Most recent working days hold the rise (half of it, as each week below).
    let above = 0;
    let n = 0;
    for (let i = lateFrom; i <= d; i++)
      if (working[i] && s[i] > 0) {
        n++;
        if (Math.log(s[i] / team[i]) >= lv.earlyLevel + minRise / 2) above++;
      }
    if (!(2 * above > n)) continue;
    // Each recent week on its own, on half the person's working week or more (at least two days):
    // a growth lifts both, the last one most; a burst of a few days lifts one, or is most of a
    // light user's active days.
    const weekMinDays = Math.max(2, Math.ceil(own.workDays(u) / 2));
    const held = judgedWeeks.every((w) => {
      const week = levelComparison(s, working, team, earlyFrom, earlyTo, w, w + 6, weekMinDays);
      return week !== null && week.rise >= (w > lateFrom ? minRise : minRise / 2) && week.z >= minLevelZ / 2;
    });
    if (!held) continue;
    const tk = tokens.subarray(base, base + nD);
    const tkLv =
      seriesSum(tk, earlyFrom, d) > 0
        ? levelComparison(tk, working, team, earlyFrom, earlyTo, lateFrom, d, minActive)
        : null;
    if (tkLv !== null && tkLv.rise < lv.rise / 2) continue;
    const weeks = Math.round((d - earlyFrom + 1) / 7);
    const w0 = (seriesSum(s, earlyFrom, earlyTo) / (earlyTo - earlyFrom + 1)) * 7;
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
        onsetDay: earlyTo + 1,
        value: usd(endLevel),
        baseline: usd(startLevel),
        threshold: usd(startLevel * (1 + minLevelRisePercent / 100)),
        unit: 'usd',
        message: `${users[u].name}: spend level has grown ${fixedX(endLevel / startLevel)} over the last ${weeks} weeks, ${money(startLevel)} → ${money(endLevel)} on a working day${tkLv !== null ? ` (tokens ${fixedX(Math.exp(tkLv.rise))})` : ''}; weekly spend ${money(w0)} → ${money(w1)}`,
        amountMicro: (endLevel - startLevel) * 5,
        periodTeamMicro: lastWeekTeam,
      }),
    );
  }
  return out;
}

/** The recent level: the last two weeks (ten working days, enough to stand against noise). */
const RECENT_DAYS = 14;
/** The week before them belongs to neither window: a rise in progress. */
const GAP_DAYS = 7;
/**
 * The earlier level needs three weeks of history at least: two weeks (some ten working days, fewer
 * after a vacation) left an ordinary person's earlier level to chance often enough that most of the
 * held-out teams' drift false alarms came from runs whose earlier window was that short.
 */
const MIN_EARLY_DAYS = 21;

const fixedX = (x: number) => `×${x.toFixed(1)}`;
