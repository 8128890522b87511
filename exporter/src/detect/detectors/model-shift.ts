import { type Ctx, type DetectorOutput, emptyOutput, fixed1, makeFinding, money, pushSignal, usd } from '../context';
import { binomialUpperTail } from '../stats';
import type { ModelUse } from '../facts';

/**
 * Model shift: the model a user makes most requests with moved, between the baseline window and the
 * recent window, to one that costs at least `minPriceRatio` × more per request (team-wide $/request
 * over both windows). The new one carried at most `maxBaselineShare` of the baseline requests and
 * at least `minShare` of the recent ones, and the user's own $/request rose by `minCostRise`: a
 * habit changed and it costs money, not a mix that wobbles between similar models. The new share
 * must also be beyond chance (binomial tail under the baseline share ≤ maxPValue): a light user's
 * 20 requests in 3 days put a model they use a fifth of the time on top every week or two.
 */
export function modelShift(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const {
    recentDays: r,
    baselineDays: b,
    minPriceRatio,
    minShare,
    maxBaselineShare,
    minCostRise,
    maxPValue,
  } = ctx.settings.modelShift;
  const minRequests = ctx.settings.costPerRequest.minRequests;
  const d = ctx.today - 1;
  const recentFrom = d - r + 1;
  const baseFrom = recentFrom - b;
  if (baseFrom < 0) return out;
  const { modelUse, models, users } = ctx.facts;
  const priceSpend = new Float64Array(models.length);
  const priceReq = new Float64Array(models.length);
  for (let k = 0; k < modelUse.d.length; k++)
    if (modelUse.d[k] >= baseFrom && modelUse.d[k] <= d) {
      priceSpend[modelUse.m[k]] += modelUse.spendMicro[k];
      priceReq[modelUse.m[k]] += modelUse.requests[k];
    }
  const price = (m: number) => (priceReq[m] > 0 ? priceSpend[m] / priceReq[m] : 0);
  for (let u = 0; u < users.length; u++) {
    const baseReq = new Map<number, number>();
    const recentReq = new Map<number, number>();
    let recentTotal = 0;
    let recentSpend = 0;
    let baseSpend = 0;
    for (let k = modelUse.start[u]; k < modelUse.start[u + 1]; k++) {
      const day = modelUse.d[k];
      if (day < baseFrom || day > d) continue;
      const into = day >= recentFrom ? recentReq : baseReq;
      into.set(modelUse.m[k], (into.get(modelUse.m[k]) ?? 0) + modelUse.requests[k]);
      if (day >= recentFrom) {
        recentTotal += modelUse.requests[k];
        recentSpend += modelUse.spendMicro[k];
      } else baseSpend += modelUse.spendMicro[k];
    }
    const oldP = argmax(baseReq);
    const newP = argmax(recentReq);
    if (oldP < 0 || newP < 0 || oldP === newP) continue;
    if (sum(baseReq) < minRequests || recentTotal < minRequests) continue;
    const share = (recentReq.get(newP) ?? 0) / recentTotal;
    const baseTotal = sum(baseReq);
    const ratio = price(oldP) > 0 ? price(newP) / price(oldP) : 0;
    // A shift: the new model was rarely used and now carries the work.
    const baseOnNew = baseReq.get(newP) ?? 0;
    if (share < minShare || baseOnNew / baseTotal > maxBaselineShare) continue;
    if (!(recentSpend / recentTotal >= minCostRise * (baseSpend / baseTotal))) continue;
    // Laplace-smoothed baseline share: a model never used before is rare, not impossible.
    const recentOnNew = recentReq.get(newP) ?? 0;
    if (
      binomialUpperTail(Math.round(recentOnNew), Math.round(recentTotal), (baseOnNew + 1) / (baseTotal + 2)) > maxPValue
    )
      continue;
    pushSignal(out, ctx, 'model_shift', { u }, ratio, minPriceRatio);
    if (!(ratio >= minPriceRatio)) continue;
    const onset = firstDayLedBy(modelUse, u, newP, recentFrom, d) ?? recentFrom;
    out.findings.push(
      makeFinding(ctx, {
        detector: 'model_shift',
        severity: 'warning',
        subject: 'user',
        u,
        models: [models[newP], models[oldP]],
        keyModel: models[newP],
        d,
        onsetDay: onset,
        value: usd(price(newP)),
        baseline: usd(price(oldP)),
        threshold: usd(price(oldP) * minPriceRatio),
        unit: 'usd_per_request',
        message: `${users[u].name}: primary model moved from ${models[oldP]} (${money(price(oldP))}/req) to ${models[newP]} (${money(price(newP))}/req, ${fixed1(ratio)}× pricier), ${Math.round(share * 100)}% of requests in the last ${r} days`,
        amountMicro: recentSpend,
        periodTeamMicro: ctx.teamDaily.slice(recentFrom, d + 1).reduce((a, x) => a + x, 0),
      }),
    );
  }
  return out;
}

function argmax(m: Map<number, number>): number {
  let best = -1;
  let bestV = 0;
  for (const [k, v] of m) if (v > bestV) [best, bestV] = [k, v];
  return best;
}

function sum(m: Map<number, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}

/** The first day in [from, to] on which the model carried most of the user's requests (the first listed wins a tie). */
function firstDayLedBy(mu: ModelUse, u: number, model: number, from: number, to: number): number | null {
  let k = mu.start[u];
  const end = mu.start[u + 1];
  while (k < end && mu.d[k] < from) k++;
  while (k < end && mu.d[k] <= to) {
    const day = mu.d[k];
    let top = k;
    for (k++; k < end && mu.d[k] === day; k++) if (mu.requests[k] > mu.requests[top]) top = k;
    if (mu.m[top] === model) return day;
  }
  return null;
}
