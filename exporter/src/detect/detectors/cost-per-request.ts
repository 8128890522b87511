import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  fixed1,
  makeFinding,
  micro,
  money,
  pushSignal,
  severityOf,
  usd,
} from '../context';

/**
 * Cost per request: the day's $/request against the user's own $/request over the lookback, on
 * days with at least minDailySpendUsd and minRequests. Names the model that caused it: the day's
 * biggest-spend model among those dearer per request than the user's baseline.
 */
export function costPerRequest(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const { multiplier: k, minDailySpendUsd, lookbackDays: lb, minRequests } = ctx.settings.costPerRequest;
  const { spend, requests, users, modelUse, models } = ctx.facts;
  for (let u = 0; u < users.length; u++) {
    const base = u * ctx.nDays;
    for (const d of ctx.evalDays) {
      const s = spend[base + d];
      const r = requests[base + d];
      if (s < micro(minDailySpendUsd) || r < minRequests) continue;
      let hs = 0;
      let hr = 0;
      for (let i = Math.max(0, d - lb); i < d; i++) {
        hs += spend[base + i];
        hr += requests[base + i];
      }
      if (hr < minRequests || hs <= 0) continue;
      const baseline = hs / hr;
      const cpr = s / r;
      pushSignal(out, ctx, 'cost_per_request', { u }, usd(cpr), usd(baseline * k));
      if (!(cpr > baseline * k)) continue;
      let culprit = -1;
      let culpritSpend = 0;
      for (let j = modelUse.start[u]; j < modelUse.start[u + 1]; j++) {
        const req = modelUse.requests[j];
        const sp = modelUse.spendMicro[j];
        if (modelUse.d[j] === d && req > 0 && sp / req > baseline && sp > culpritSpend) {
          culprit = modelUse.m[j];
          culpritSpend = sp;
        }
      }
      const model = culprit >= 0 ? models[culprit] : undefined;
      out.findings.push(
        makeFinding(ctx, {
          detector: 'cost_per_request',
          severity: severityOf(cpr, baseline * k, 3),
          subject: 'user',
          u,
          models: model ? [model] : [],
          keyModel: model,
          d,
          value: usd(cpr),
          baseline: usd(baseline),
          threshold: usd(baseline * k),
          unit: 'usd_per_request',
          message: `${users[u].name}: cost/request spiked to ${money(cpr)} (${fixed1(cpr / baseline)}× their avg of ${money(baseline)})${model ? `, using ${model}` : ''}`,
          amountMicro: s,
          periodTeamMicro: ctx.teamDaily[d],
        }),
      );
    }
  }
  return out;
}
