import { type Ctx, type DetectorOutput, cycleSpan, emptyOutput, makeFinding, micro, modelsBySpend, money, pushSignal, severityOf, teamSum, usd } from '../context';

/** Static cap on a user's spend in the current billing cycle (reference threshold layer; 0 = off). */
export function capSpendCycle(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const capUsd = ctx.settings.thresholds.maxSpendUsdPerCycle;
  if (capUsd <= 0) return out;
  const cap = micro(capUsd);
  const d = ctx.today;
  const span = cycleSpan(ctx, d);
  const teamCycle = teamSum(ctx, span.startIdx, d);
  const { spend } = ctx.facts;
  for (let u = 0; u < ctx.facts.users.length; u++) {
    let cum = 0;
    let onset = -1;
    let before = 0;
    for (let i = span.startIdx; i <= d; i++) {
      const prev = cum;
      cum += spend[u * ctx.nDays + i];
      if (onset < 0 && cum > cap) {
        onset = i;
        before = prev;
      }
    }
    pushSignal(out, ctx, 'cap_spend_cycle', { u }, usd(cum), capUsd);
    if (onset < 0) continue;
    const name = ctx.facts.users[u].name;
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
      threshold: capUsd,
      unit: 'usd',
      message: `${name} spent ${money(cum)} this cycle (limit: ${money(cap)})`,
      amountMicro: cum,
      periodTeamMicro: teamCycle,
    });
    out.findings.push(f);
    out.crossings.push({ finding: f, micro: cap - before });
  }
  return out;
}
