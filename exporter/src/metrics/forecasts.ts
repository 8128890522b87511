import { dayStartMs } from '../domain/time';
import { microToUsd } from '../domain/money';
import { UNASSIGNED_GROUP } from './labels';
import type { FamilyFactory } from './types';

/**
 * Forecasts, budgets, burn rates and savings from the last successful detection run
 * (detection_outputs holds them as JSON, replaced every run).
 */
export const forecastFamily: FamilyFactory = ({ store: { findings, groups: billingGroups }, userLabel, gauge: g }) => {
  const subjectLabels = ['subject', 'user', 'group'];
  const point = g(
    'cursor_forecast_cycle_spend_usd',
    'Forecast of the billing-cycle total spend per subject (user, group, team), in USD.',
    subjectLabels,
  );
  const low = g(
    'cursor_forecast_cycle_spend_low_usd',
    'Lower end of the cycle spend forecast range, in USD.',
    subjectLabels,
  );
  const high = g(
    'cursor_forecast_cycle_spend_high_usd',
    'Upper end of the cycle spend forecast range, in USD.',
    subjectLabels,
  );
  const rate = g(
    'cursor_forecast_daily_spend_usd',
    'Projected spend per remaining day of the cycle, in USD.',
    subjectLabels,
  );
  const exhaustion = g(
    'cursor_forecast_plan_exhaustion_timestamp_seconds',
    "Start of the day a user's included plan ran out (observed) or is projected to run out within the cycle (Unix seconds).",
    ['user', 'group'],
  );
  const budgetLabels = ['subject', 'group'];
  const budget = g(
    'cursor_budget_usd',
    'Spend budget for the billing cycle per group or team, in USD (only subjects with a budget).',
    budgetLabels,
  );
  const used = g(
    'cursor_budget_used_ratio',
    'Share of the cycle budget already spent (0-1, above 1 when over budget).',
    budgetLabels,
  );
  const elapsed = g(
    'cursor_budget_cycle_elapsed_ratio',
    'Share of the billing cycle elapsed when detection last ran (0-1).',
    budgetLabels,
  );
  const burn = g(
    'cursor_budget_burn_rate',
    'Budget burn rate over a trailing window: 1 = spending exactly at budget pace.',
    [...budgetLabels, 'window'],
  );
  const fast = g(
    'cursor_budget_fast_burn',
    'Whether the 1h and 6h burn rates are both above the fast-burn threshold (1/0).',
    budgetLabels,
  );
  const slow = g(
    'cursor_budget_slow_burn',
    'Whether the 1d and 3d burn rates are both above the slow-burn threshold (1/0).',
    budgetLabels,
  );
  const savingsTotal = g(
    'cursor_savings_potential_usd',
    'Cycle spend saved if users above the team p90 $/request paid the team median $/request, in USD.',
  );
  const medianPerReq = g('cursor_team_cost_per_request_median_usd', 'Team median cost per request this cycle, in USD.');
  const p90PerReq = g(
    'cursor_team_cost_per_request_p90_usd',
    'Team 90th percentile cost per request this cycle, in USD.',
  );
  const userSavings = g(
    'cursor_user_savings_potential_usd',
    "A user's share of cursor_savings_potential_usd, in USD (only users above the p90).",
    ['user', 'group'],
  );
  const all = [point, low, high, rate, exhaustion, budget, used, elapsed, burn, fast, slow, userSavings];

  return {
    name: 'forecasts',
    refill() {
      for (const m of all) m.reset();
      const groups = billingGroups.names();
      const members = billingGroups.memberGroupNames();
      const groupOf = (email: string | null, groupId: string | null, groupName: string | null) =>
        groupName ??
        (groupId ? groups.get(groupId) : undefined) ??
        (email ? (members.get(email) ?? UNASSIGNED_GROUP) : '');

      for (const f of findings.latestOutput('forecasts')?.value ?? []) {
        const labels = {
          subject: f.subject,
          user: f.email ? userLabel(f.email) : '',
          group: groupOf(f.email, f.groupId, f.groupName),
        };
        point.set(labels, microToUsd(f.forecastMicro));
        low.set(labels, microToUsd(f.lowMicro));
        high.set(labels, microToUsd(f.highMicro));
        rate.set(labels, microToUsd(f.dailyRateMicro));
        if (f.subject === 'user' && f.exhaustionDay)
          exhaustion.set({ user: labels.user, group: labels.group }, dayStartMs(f.exhaustionDay) / 1000);
      }

      for (const b of findings.latestOutput('burn')?.value ?? []) {
        const labels = {
          subject: b.subject,
          group: b.subject === 'group' ? groupOf(null, b.groupId, b.groupName) : '',
        };
        budget.set(labels, microToUsd(b.budgetMicro));
        used.set(labels, b.budgetUsedRatio);
        elapsed.set(labels, b.cycleElapsedRatio);
        for (const w of b.windows) burn.set({ ...labels, window: w.window }, w.rate);
        fast.set(labels, b.fastBurn ? 1 : 0);
        slow.set(labels, b.slowBurn ? 1 : 0);
      }

      const savings = findings.latestOutput('savings')?.value ?? null;
      savingsTotal.set(savings ? microToUsd(savings.totalMicro) : 0);
      medianPerReq.set(savings ? microToUsd(savings.teamMedianPerRequestMicro) : 0);
      p90PerReq.set(savings ? microToUsd(savings.teamP90PerRequestMicro) : 0);
      for (const u of savings?.users ?? []) {
        userSavings.set(
          { user: userLabel(u.email), group: groupOf(u.email, u.groupId, null) },
          microToUsd(u.savingsMicro),
        );
      }
    },
  };
};
