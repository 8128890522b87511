import { DAY_MS, dayStartMs } from '../../domain/time';
import { type Ctx, type DetectorOutput, cycleSpan, emptyOutput, makeFinding, teamSum } from '../context';

/**
 * Plan exhausted (info): the first day this cycle with usage-based (beyond the included plan)
 * requests. Always recorded; it notifies only when enableInfoAnomalies is on (reference default off).
 */
export function planExhausted(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const d = ctx.today;
  const span = cycleSpan(ctx, d);
  const teamCycle = teamSum(ctx, span.startIdx, d);
  const { usageBased, spend, users } = ctx.facts;
  for (let u = 0; u < users.length; u++) {
    const base = u * ctx.nDays;
    let first = -1;
    let extra = 0;
    let since = 0;
    for (let i = span.startIdx; i <= d; i++) {
      if (first < 0 && usageBased[base + i] > 0) first = i;
      if (first >= 0) {
        extra += usageBased[base + i];
        since += spend[base + i];
      }
    }
    if (first < 0) continue;
    const day = ctx.facts.days[first];
    const dayOfCycle = Math.floor((dayStartMs(day) - dayStartMs(span.startDay)) / DAY_MS) + 1;
    out.findings.push(
      makeFinding(ctx, {
        detector: 'plan_exhausted',
        severity: 'info',
        subject: 'user',
        u,
        d,
        onsetDay: first,
        value: extra,
        baseline: null,
        threshold: 0,
        unit: 'requests',
        message: `${users[u].name}: exceeded included plan usage on day ${dayOfCycle} of cycle (${day}). ${Math.round(extra)} extra requests billed since.`,
        amountMicro: since,
        periodTeamMicro: teamCycle,
      }),
    );
  }
  return out;
}
