import { microToUsd } from '../domain/money';
import { currentCycle, cycleStartDay } from './cycle';
import { UNASSIGNED_GROUP } from './labels';
import type { FamilyFactory } from './types';

/**
 * Cycle-to-date spend gauges per user, billing group and model. They restart from zero with each
 * billing cycle, so use them for "where do we stand"; use the *_total counters for rate()/increase().
 */
export const spendFamily: FamilyFactory = ({ store: { spend, groups, usageTotals, cycles }, userLabel, gauge: g }) => {
  const userSpend = g(
    'cursor_user_cycle_spend_usd',
    'Spend this billing cycle per user, included plus on-demand, in USD.',
    ['user', 'group'],
  );
  const userIncluded = g(
    'cursor_user_cycle_included_spend_usd',
    'Spend covered by included plan usage this billing cycle per user, in USD.',
    ['user', 'group'],
  );
  const userOnDemand = g(
    'cursor_user_cycle_on_demand_spend_usd',
    'On-demand spend this billing cycle per user, in USD.',
    ['user', 'group'],
  );
  const userLimit = g(
    'cursor_user_spend_limit_usd',
    'Effective on-demand spend limit per user, in USD (only users with a limit).',
    ['user', 'group'],
  );
  const groupSpend = g(
    'cursor_group_cycle_spend_usd',
    'Spend this billing cycle per billing group as reported by Cursor, in USD.',
    ['group'],
  );
  const groupMembers = g('cursor_group_members', 'Current members per billing group.', ['group']);
  const modelSpend = g(
    'cursor_model_cycle_spend_usd',
    'Charged spend this billing cycle per model, summed from usage events, in USD.',
    ['model'],
  );

  return {
    name: 'spend',
    refill({ nowMs }) {
      const rows = spend.latestByUser();
      for (const m of [userSpend, userIncluded, userOnDemand, userLimit]) m.reset();
      for (const r of rows) {
        const labels = { user: userLabel(r.email), group: r.groupName ?? UNASSIGNED_GROUP };
        userSpend.set(labels, microToUsd(r.totalMicro));
        userIncluded.set(labels, microToUsd(r.includedMicro));
        userOnDemand.set(labels, microToUsd(r.onDemandMicro));
        if (r.limitDollars !== null) userLimit.set(labels, r.limitDollars);
      }

      groupSpend.reset();
      groupMembers.reset();
      for (const r of groups.listWithSpend()) {
        groupSpend.set({ group: r.name }, microToUsd(r.spendMicro));
        groupMembers.set({ group: r.name }, r.members);
      }

      modelSpend.reset();
      const fromDay = cycleStartDay(currentCycle(cycles, nowMs), nowMs);
      for (const r of usageTotals.spendByModelSince(fromDay)) modelSpend.set({ model: r.model }, microToUsd(r.micro));
    },
  };
};
