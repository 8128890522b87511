import {
  type Ctx,
  type DetectorOutput,
  emptyOutput,
  makeFinding,
  modelsBySpend,
  pushSignal,
  severityOf,
} from '../context';
import type { DetectorId } from '../types';

/**
 * Shared rule of the per-day static caps (requests, tokens): a user's count on an evaluated day
 * above the cap is a warning, above 2× critical; 0 = off.
 */
export function dailyCap(
  ctx: Ctx,
  detector: Extract<DetectorId, 'cap_requests_day' | 'cap_tokens_day'>,
  series: Float64Array,
  cap: number,
  noun: 'requests' | 'tokens',
): DetectorOutput {
  const out = emptyOutput();
  if (cap <= 0) return out;
  for (let u = 0; u < ctx.facts.users.length; u++) {
    for (const d of ctx.evalDays) {
      const v = series[u * ctx.nDays + d];
      pushSignal(out, ctx, detector, { u }, v, cap);
      if (!(v > cap)) continue;
      const models = modelsBySpend(ctx, u, d, d);
      const amount = ctx.facts.spend[u * ctx.nDays + d];
      out.findings.push(
        makeFinding(ctx, {
          detector,
          severity: severityOf(v, cap, 2),
          subject: 'user',
          u,
          models,
          d,
          value: v,
          baseline: null,
          threshold: cap,
          unit: noun,
          message: `${ctx.facts.users[u].name}: ${Math.round(v).toLocaleString('en-US')} ${noun} on ${ctx.facts.days[d]} (limit: ${cap.toLocaleString('en-US')})${models.length ? ` — model: ${models[0]}` : ''}`,
          amountMicro: amount,
          periodTeamMicro: ctx.teamDaily[d],
        }),
      );
    }
  }
  return out;
}
