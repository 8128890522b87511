import { type Ctx, type DetectorOutput, emptyOutput, firstSpendDay, fixed1, makeFinding, micro, modelsBySpend, money, pushSignal, severityOf, teamLevel, usd } from '../context';

/**
 * Spend spike: the day's spend against the user's own trailing average over `spendSpikeLookbackDays`.
 * Days without spend are zeros (the reference skipped them and so inflated the average), but days
 * before the person's first spend are not history: a new hire is only compared once they have a
 * full lookback, and the lookback needs spend on spikeMinActiveDays of its days (a heavy user back
 * from a quiet week is not spiking). The team level of the day discounts a surge of the whole team.
 */
export function spendSpike(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { spendSpikeMultiplier: k, spendSpikeLookbackDays: lb, spikeMinBaselineUsd, spikeMinActiveDays } = ctx.settings.trends;
  const { spend, users } = ctx.facts;
  const levels = new Map(ctx.evalDays.map((d) => [d, teamLevel(ctx, d, lb, ctx.settings.zscore.minSamples)]));
  for (let u = 0; u < users.length; u++) {
    const first = firstSpendDay(ctx, u);
    for (const d of ctx.evalDays) {
      if (first < 0 || first > d - lb) continue;
      const base = u * ctx.nDays;
      let sum = 0;
      let activeDays = 0;
      for (let i = d - lb; i < d; i++) {
        sum += spend[base + i];
        if (spend[base + i] > 0) activeDays++;
      }
      const avg = sum / lb;
      if (avg < micro(spikeMinBaselineUsd) || avg <= 0 || activeDays < spikeMinActiveDays) continue;
      const level = levels.get(d) as number;
      const x = spend[base + d];
      const thresholdMicro = avg * k * level;
      pushSignal(out, ctx, 'spend_spike', { u }, usd(x), usd(thresholdMicro));
      if (!(x > thresholdMicro)) continue;
      const ratio = x / avg;
      const models = modelsBySpend(ctx, u, d, d);
      const f = makeFinding(ctx, {
        detector: 'spend_spike',
        severity: severityOf(x, thresholdMicro, 3),
        subject: 'user',
        u,
        models,
        d,
        value: usd(x),
        baseline: usd(avg),
        threshold: usd(thresholdMicro),
        unit: 'usd',
        message: `${users[u].name}: daily spend spiked to ${money(x)} (${fixed1(ratio)}× their ${lb}-day avg of ${money(avg)})${models.length ? ` — model: ${models[0]}` : ''}`,
        amountMicro: x,
        periodTeamMicro: ctx.teamDaily[d],
      });
      out.findings.push(f);
      out.crossings.push({ finding: f, micro: thresholdMicro });
    }
  }
  return out;
}
