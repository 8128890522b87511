import { microToUsd } from '../domain/money';
import { currentCycle, cycleStartDay } from './cycle';
import { UNASSIGNED_GROUP } from './labels';
import type { FamilyFactory } from './types';

interface UserSpendRow {
  email: string;
  total: number;
  included: number;
  onDemand: number;
  limitDollars: number | null;
  groupName: string | null;
}

/**
 * Cycle-to-date spend gauges per user, billing group and model. They restart from zero with each
 * billing cycle, so use them for "where do we stand"; use the *_total counters for rate()/increase().
 */
export const spendFamily: FamilyFactory = ({ db, userLabel, gauge: g }) => {
  const userSpend = g('cursor_user_cycle_spend_usd', 'Spend this billing cycle per user, included plus on-demand, in USD.', ['user', 'group']);
  const userIncluded = g('cursor_user_cycle_included_spend_usd', 'Spend covered by included plan usage this billing cycle per user, in USD.', ['user', 'group']);
  const userOnDemand = g('cursor_user_cycle_on_demand_spend_usd', 'On-demand spend this billing cycle per user, in USD.', ['user', 'group']);
  const userLimit = g('cursor_user_spend_limit_usd', 'Effective on-demand spend limit per user, in USD (only users with a limit).', ['user', 'group']);
  const groupSpend = g('cursor_group_cycle_spend_usd', 'Spend this billing cycle per billing group as reported by Cursor, in USD.', ['group']);
  const groupMembers = g('cursor_group_members', 'Current members per billing group.', ['group']);
  const modelSpend = g('cursor_model_cycle_spend_usd', 'Charged spend this billing cycle per model, summed from usage events, in USD.', ['model']);

  return {
    name: 'spend',
    refill({ nowMs }) {
      const rows = db
        .prepare(
          `SELECT s.email, s.total_micro AS total, s.included_micro AS included, s.on_demand_micro AS onDemand,
                  s.effective_limit_dollars AS limitDollars, g.name AS groupName
             FROM spend_snapshots s
             LEFT JOIN group_members gm ON gm.email = s.email
             LEFT JOIN billing_groups g ON g.id = gm.group_id
            WHERE s.cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots)`,
        )
        .all() as UserSpendRow[];
      for (const m of [userSpend, userIncluded, userOnDemand, userLimit]) m.reset();
      for (const r of rows) {
        const labels = { user: userLabel(r.email), group: r.groupName ?? UNASSIGNED_GROUP };
        userSpend.set(labels, microToUsd(r.total));
        userIncluded.set(labels, microToUsd(r.included));
        userOnDemand.set(labels, microToUsd(r.onDemand));
        if (r.limitDollars !== null) userLimit.set(labels, r.limitDollars);
      }

      groupSpend.reset();
      groupMembers.reset();
      for (const r of db
        .prepare(
          `SELECT g.name, g.cycle_spend_micro AS spend, (SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = g.id) AS members
             FROM billing_groups g`,
        )
        .all() as { name: string; spend: number; members: number }[]) {
        groupSpend.set({ group: r.name }, microToUsd(r.spend));
        groupMembers.set({ group: r.name }, r.members);
      }

      modelSpend.reset();
      const fromDay = cycleStartDay(currentCycle(db, nowMs), nowMs);
      for (const r of db
        .prepare('SELECT model, SUM(charged_micro) AS micro FROM usage_daily WHERE day >= ? GROUP BY model')
        .all(fromDay) as { model: string; micro: number }[]) {
        modelSpend.set({ model: r.model }, microToUsd(r.micro));
      }
    },
  };
};
