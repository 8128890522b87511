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
  severityOf,
  usd,
} from '../context';

/**
 * Spend spike: the day's spend against what the user would have spent that day — their own
 * weekday-aware baseline (baseline.ts: the median of their active days of the same class, so a
 * Monday after a quiet weekend or a return from vacation is compared with a working day, not with
 * an average full of days off) times the team's factor for the day (a release day everyone works
 * harder on is discounted, but only by the shared part, so a personal 5× on it still reads 5×).
 * New hires have no baseline until they have spikeMinActiveDays active days of history.
 * The line is k× that. A day less than spikeMinExcessUsd above it must also lie beyond
 * spikeSmallZ robust standard deviations of the person's own day-to-day scatter (baseline.ts): an
 * ordinary person's 4–5× day of $15–25 is natural variation, the same day of a steady user is not.
 * Such a small spike is one only the person's scatter vouches for, and the dollars the notification
 * floor weighs for it are ordinary-day dollars (baseline.ts ordinary): on a team-wide 2× day the
 * same natural swing is twice the dollars. A spike spikeMinExcessUsd or more above the expectation
 * is material as it stands, so a personal 5× on a release day is reported as on any other day.
 */
export function spendSpike(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { spendSpikeMultiplier: k, spikeSmallZ: zSmall, spikeMinExcessUsd } = ctx.settings.trends;
  const minExcess = micro(spikeMinExcessUsd);
  const { spend, users } = ctx.facts;
  const own = ownBaselines(ctx);
  for (let u = 0; u < users.length; u++) {
    if (!(own.weekday[u] > 0)) continue;
    for (const d of ctx.evalDays) {
      const expected = own.expected(u, d);
      const x = spend[u * ctx.nDays + d];
      const thresholdMicro = expected * k;
      pushSignal(out, ctx, 'spend_spike', { u }, usd(x), usd(thresholdMicro));
      if (!(x > thresholdMicro)) continue;
      const excess = x - expected;
      const small = excess < minExcess;
      if (small && Math.log(x / expected) < zSmall * own.scatter(u)) continue;
      const factor = own.teamFactor(d);
      const models = modelsBySpend(ctx, u, d, d);
      const f = makeFinding(ctx, {
        detector: 'spend_spike',
        severity: severityOf(x, thresholdMicro, 3),
        subject: 'user',
        u,
        models,
        d,
        value: usd(x),
        baseline: usd(expected),
        threshold: usd(thresholdMicro),
        unit: 'usd',
        message: `${users[u].name}: daily spend spiked to ${money(x)} (${fixed1(x / expected)}× the ${money(expected)} they would usually spend that day${factor > 1 ? `, the team's ${fixed1(factor)}× busier day included` : ''})${models.length ? ` — model: ${models[0]}` : ''}`,
        amountMicro: small ? own.ordinary(excess, d) : excess,
        periodTeamMicro: ctx.teamDaily[d],
      });
      out.findings.push(f);
      out.crossings.push({ finding: f, micro: thresholdMicro });
    }
  }
  return out;
}
