import { micro } from './context';
import type { Ctx } from './context';

/** A budgeted subject: the team (group index −1) or a billing group with a budget > 0. */
export interface BudgetSubject {
  g: number; // group index, −1 for the team
  budgetMicro: number;
  daily: Float64Array; // the subject's spend per day index
}

/** Subjects with a cycle budget: the team when teamCycleUsd > 0, then each budgeted group present in the facts. */
export function budgetSubjects(ctx: Ctx): BudgetSubject[] {
  const { teamCycleUsd, groupCycleUsd } = ctx.settings.budgets;
  const out: BudgetSubject[] = [];
  if (teamCycleUsd > 0) out.push({ g: -1, budgetMicro: micro(teamCycleUsd), daily: ctx.teamDaily });
  ctx.facts.groups.forEach((group, g) => {
    const usdBudget = groupCycleUsd[group.id];
    if (usdBudget !== undefined && usdBudget > 0)
      out.push({ g, budgetMicro: micro(usdBudget), daily: ctx.groupDaily[g] });
  });
  return out;
}
