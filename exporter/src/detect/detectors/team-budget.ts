import {
  type Ctx,
  type DetectorOutput,
  cycleSpan,
  emptyOutput,
  makeFinding,
  money,
  pushSignal,
  subjectName,
  teamSum,
  usd,
} from '../context';
import { budgetSubjects } from '../budgets';

/**
 * Team budget (reference): cycle-to-date spend at or above the cycle budget is a warning, at 110%
 * critical. Extended to billing groups that have a budget.
 */
export function teamBudget(ctx: Ctx): DetectorOutput {
  const out = emptyOutput();
  const d = ctx.today;
  const span = cycleSpan(ctx, d);
  const teamCycle = teamSum(ctx, span.startIdx, d);
  for (const s of budgetSubjects(ctx)) {
    let cum = 0;
    let onset = -1;
    for (let i = span.startIdx; i <= d; i++) {
      cum += s.daily[i];
      if (onset < 0 && cum >= s.budgetMicro) onset = i;
    }
    const who = s.g >= 0 ? { g: s.g } : {};
    pushSignal(out, ctx, 'team_budget', who, usd(cum), usd(s.budgetMicro));
    if (onset < 0) continue;
    const subject = s.g >= 0 ? 'group' : 'team';
    out.findings.push(
      makeFinding(ctx, {
        detector: 'team_budget',
        severity: cum * 10 >= s.budgetMicro * 11 ? 'critical' : 'warning', // integer-exact 110%
        subject,
        ...who,
        d,
        onsetDay: onset,
        value: usd(cum),
        baseline: null,
        threshold: usd(s.budgetMicro),
        unit: 'usd',
        message: `${subjectName(ctx, { subject, ...who })}: cycle spend ${money(cum)} is ${Math.round((cum / s.budgetMicro) * 100)}% of the ${money(s.budgetMicro)} budget`,
        amountMicro: cum,
        periodTeamMicro: teamCycle,
      }),
    );
  }
  return out;
}
