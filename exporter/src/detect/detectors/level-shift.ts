import { ownBaselines } from '../baseline';
import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  fixed1,
  makeFinding,
  micro,
  modelsBySpend,
  money,
  pushSignal,
  seriesSum,
  usd,
} from '../context';

/**
 * Level shift: a person's own spend stepped up for several days. Of the last `windowDays` days
 * (ending on the run day), at least `minDays` are elevated: above `multiplier` × the person's own
 * weekday baseline × the team's factor for the day, and at least `minExcessUsdPerDay` above that
 * expectation. Weekend days are held against the weekday habit too, so a shift that runs through a
 * weekend counts its weekend, and a person who rarely works weekends is not flagged for working one.
 * The baseline (baseline.ts) ends before the window and skips absent days, so a return from
 * vacation is compared with the person's working days, a new hire has none yet, and a steady heavy
 * user is compared with their own heavy habit, not with the team.
 */
export function levelShift(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { multiplier: k, windowDays: n, minDays, minExcessUsdPerDay } = ctx.settings.levelShift;
  const last = ctx.today;
  const first = last - n + 1;
  if (first < 1) return out;
  const own = ownBaselines(ctx);
  const { spend, users } = ctx.facts;
  const minExcess = micro(minExcessUsdPerDay);
  const factors = Array.from({ length: n }, (_, i) => own.teamFactor(first + i));
  const windowTeam = seriesSum(ctx.teamDaily, first, last);
  const level = new Float64Array(n); // the day's spend with the team's factor taken out
  for (let u = 0; u < users.length; u++) {
    const b = own.weekday[u];
    if (!(b > 0)) continue;
    const base = u * ctx.nDays;
    let elevated = 0;
    let onset = -1;
    let spent = 0;
    let expected = 0;
    for (let i = 0; i < n; i++) {
      const d = first + i;
      const e = b * factors[i];
      const x = spend[base + d];
      level[i] = x / factors[i];
      if (x > k * e && x - e >= minExcess) {
        elevated++;
        if (onset < 0) onset = d;
        spent += x;
        expected += e;
      }
    }
    // Signal: the level held on minDays days (the minDays-th highest) against the line.
    level.sort();
    const held = level[n - Math.min(minDays, n)];
    pushSignal(out, ctx, 'level_shift', { u }, usd(held), usd(k * b));
    if (elevated < minDays) continue;
    const excess = spent - expected;
    out.findings.push(
      makeFinding(ctx, {
        detector: 'level_shift',
        severity: 'warning',
        subject: 'user',
        u,
        models: modelsBySpend(ctx, u, first, last).slice(0, 3),
        d: last,
        onsetDay: onset,
        value: usd(spent / elevated),
        baseline: usd(expected / elevated),
        threshold: usd((k * expected) / elevated),
        unit: 'usd',
        message: `${users[u].name}: spend has run at ${fixed1(spent / expected)}× their usual level on ${elevated} of the last ${n} days (${money(spent / elevated)}/day against ${money(expected / elevated)}), ${money(excess)} above normal`,
        amountMicro: excess,
        periodTeamMicro: windowTeam,
      }),
    );
  }
  return out;
}
