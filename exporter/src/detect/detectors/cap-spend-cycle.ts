import {
  type Ctx,
  type DetectorOutput,
  cycleSpan,
  emptyOutput,
  makeFinding,
  micro,
  modelsBySpend,
  money,
  pushSignal,
  severityOf,
  teamSum,
  usd,
} from '../context';

/**
 * Spend caps per billing cycle, critical above 2×: the team-wide static cap on a user's cycle
 * spend (reference threshold layer; 0 = off), and each person's own on-demand limit set in Cursor
 * (from the spend snapshot), against their on-demand spend: past it Cursor blocks them.
 */
export function capSpendCycle(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const capUsd = ctx.settings.thresholds.maxSpendUsdPerCycle;
  const d = ctx.today;
  const span = cycleSpan(ctx, d);
  const teamCycle = teamSum(ctx, span.startIdx, d);
  const { spend, onDemand, users } = ctx.facts;
  const check = (u: number, series: Float64Array, limitUsd: number, what: string) => {
    const cap = micro(limitUsd);
    let cum = 0;
    let onset = -1;
    let before = 0;
    for (let i = span.startIdx; i <= d; i++) {
      const prev = cum;
      cum += series[u * ctx.nDays + i];
      if (onset < 0 && cum > cap) {
        onset = i;
        before = prev;
      }
    }
    pushSignal(out, ctx, 'cap_spend_cycle', { u }, usd(cum), limitUsd);
    if (onset < 0) return;
    const f = makeFinding(ctx, {
      detector: 'cap_spend_cycle',
      severity: severityOf(cum, cap, 2),
      subject: 'user',
      u,
      models: modelsBySpend(ctx, u, span.startIdx, d).slice(0, 3),
      d,
      onsetDay: onset,
      value: usd(cum),
      baseline: null,
      threshold: limitUsd,
      unit: 'usd',
      message: `${users[u].name} spent ${money(cum)}${what} this cycle (limit: ${money(cap)})`,
      amountMicro: cum,
      periodTeamMicro: teamCycle,
    });
    out.findings.push(f);
    // The crossing amount is in the series' own money; only total spend maps onto raw event sums.
    if (series === spend) out.crossings.push({ finding: f, micro: cap - before });
  };
  // A person's limit belongs to the cycle of its snapshot: the latest for the current cycle, an
  // earlier cycle's own snapshot for that cycle (none stored: no limit known).
  const latest = ctx.facts.limitsCycleStartMs === null || ctx.facts.limitsCycleStartMs === span.cycle.startMs;
  const past = latest ? undefined : ctx.facts.pastLimits?.get(span.cycle.startMs);
  for (let u = 0; u < users.length; u++) {
    if (capUsd > 0) check(u, spend, capUsd, '');
    const own = latest ? users[u].limitUsd : (past?.get(u) ?? null);
    if (own !== null && own > 0) check(u, onDemand, own, ' on-demand');
  }
  return out;
}
