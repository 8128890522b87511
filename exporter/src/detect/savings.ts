import { type Ctx, cycleSpan, modelsBySpend, userSum } from './context';
import { rankQuantile } from './stats';
import type { Savings, UserSavings } from './types';

/**
 * Model-switch savings this cycle: if users whose $/request is above the team p90 paid the team
 * median $/request for the same requests, the cycle would cost this much less. Only users with at
 * least costPerRequest.minRequests requests shape the distribution (a handful is noise).
 */
export function savings(ctx: Ctx): Savings {
  const span = cycleSpan(ctx, ctx.today);
  const minRequests = ctx.settings.costPerRequest.minRequests;
  const rows: { u: number; spend: number; requests: number; cpr: number }[] = [];
  for (let u = 0; u < ctx.facts.users.length; u++) {
    const requests = userSum(ctx, ctx.facts.requests, u, span.startIdx, ctx.today);
    const spend = userSum(ctx, ctx.facts.spend, u, span.startIdx, ctx.today);
    if (requests >= minRequests && spend > 0) rows.push({ u, spend, requests, cpr: spend / requests });
  }
  const sorted = rows.map((r) => r.cpr).sort((a, b) => a - b);
  const median = rankQuantile(sorted, 0.5);
  const p90 = rankQuantile(sorted, 0.9);
  const users: UserSavings[] = rows
    .filter((r) => r.cpr > p90)
    .map((r) => ({
      email: ctx.facts.users[r.u].email,
      groupId: ctx.facts.users[r.u].groupIdx >= 0 ? ctx.facts.groups[ctx.facts.users[r.u].groupIdx].id : null,
      requests: r.requests,
      spendMicro: Math.round(r.spend),
      costPerRequestMicro: Math.round(r.cpr),
      models: modelsBySpend(ctx, r.u, span.startIdx, ctx.today),
      savingsMicro: Math.round(r.spend - r.requests * median),
    }))
    .sort((a, b) => b.savingsMicro - a.savingsMicro);
  return {
    cycleStartDay: span.startDay,
    teamMedianPerRequestMicro: Math.round(median),
    teamP90PerRequestMicro: Math.round(p90),
    totalMicro: users.reduce((s, x) => s + x.savingsMicro, 0),
    users,
  };
}
