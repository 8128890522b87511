import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  fixed1,
  makeFinding,
  modelsBySpend,
  money,
  pushSignal,
  severityOf,
  teamLevel,
  usd,
} from '../context';
import { mean, sampleSd } from '../stats';

/**
 * Z-score: a user's spend on the evaluated day against the team distribution of active users'
 * daily spend (spend > 0) over the `windowDays` before it. Unlike the reference (one cross-section,
 * population σ, so ≥ 8 spenders were needed to ever reach 2.5σ), the window gives many samples with
 * few spenders and the sample σ does not cap z. The day's team level discounts a team-wide surge,
 * for the notification floor too: on a day the whole team works at twice its pace, a heavy user's
 * $150 is the $75 of an ordinary day — the same materiality, so the same (no) alert.
 */
export function zscore(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { multiplier: k, windowDays: w, minSamples } = ctx.settings.zscore;
  const { spend, users } = ctx.facts;
  for (const d of ctx.evalDays) {
    const samples: number[] = [];
    for (let u = 0; u < users.length; u++)
      for (let i = Math.max(0, d - w); i < d; i++)
        if (spend[u * ctx.nDays + i] > 0) samples.push(spend[u * ctx.nDays + i]);
    if (samples.length < minSamples) continue;
    const mu = mean(samples);
    const sigma = sampleSd(samples);
    if (!(sigma > 0)) continue;
    const level = teamLevel(ctx, d, w, minSamples);
    const thresholdMicro = (mu + k * sigma) * level;
    for (let u = 0; u < users.length; u++) {
      const x = spend[u * ctx.nDays + d];
      if (!(x > 0)) continue;
      const z = (x / level - mu) / sigma;
      pushSignal(out, ctx, 'zscore', { u }, usd(x), usd(thresholdMicro));
      if (!(z > k)) continue;
      const models = modelsBySpend(ctx, u, d, d);
      const f = makeFinding(ctx, {
        detector: 'zscore',
        severity: severityOf(z, k, 3),
        subject: 'user',
        u,
        models,
        d,
        value: usd(x),
        baseline: usd(mu * level),
        threshold: usd(thresholdMicro),
        unit: 'usd',
        message: `${users[u].name}: daily spend ${money(x)} is ${fixed1(z)}σ above team mean (${money(mu * level)})${models.length ? ` — model: ${models[0]}` : ''}`,
        amountMicro: x / level,
        periodTeamMicro: ctx.teamDaily[d] / level,
      });
      out.findings.push(f);
      out.crossings.push({ finding: f, micro: thresholdMicro });
    }
  }
  return out;
}
