import { microToUsd } from '../domain/money';
import { currentCycle, cycleStartDay } from './cycle';
import type { FamilyFactory } from './types';

/** Team and seats: who is on the team, who uses their seat, and what the current cycle costs in total. */
export const teamFamily: FamilyFactory = ({ store: { members: team, spend: snapshots, cycles }, gauge: g }) => {
  const members = g('cursor_team_members', 'Team members (not removed) by role.', ['role']);
  const seats = g(
    'cursor_team_seats',
    'Team members (not removed) by activity: active = active on a day of the current billing cycle, inactive = active before but not this cycle, never_active = no active day on record.',
    ['state'],
  );
  const spend = g('cursor_team_cycle_spend_usd', 'Team spend this billing cycle, included plus on-demand, in USD.');
  const included = g(
    'cursor_team_cycle_included_spend_usd',
    'Team spend covered by included plan usage this billing cycle, in USD.',
  );
  const onDemand = g(
    'cursor_team_cycle_on_demand_spend_usd',
    'Team on-demand (billed beyond the plan) spend this billing cycle, in USD.',
  );
  const start = g(
    'cursor_billing_cycle_start_timestamp_seconds',
    'Start of the current billing cycle (Unix seconds; 0 until known).',
  );
  const end = g(
    'cursor_billing_cycle_end_timestamp_seconds',
    'End of the current billing cycle (Unix seconds; 0 until the groups endpoint reported it).',
  );

  return {
    name: 'team',
    refill({ nowMs }) {
      members.reset();
      for (const r of team.countByRole()) members.set({ role: r.role }, r.n);

      const cycle = currentCycle(cycles, nowMs);
      const seatRow = team.seats(cycleStartDay(cycle, nowMs));
      seats.reset();
      seats.set({ state: 'active' }, seatRow.active);
      seats.set({ state: 'inactive' }, seatRow.inactive);
      seats.set({ state: 'never_active' }, seatRow.never);

      const totals = snapshots.latestTotals();
      spend.set(microToUsd(totals.totalMicro));
      included.set(microToUsd(totals.includedMicro));
      onDemand.set(microToUsd(totals.onDemandMicro));
      start.set(cycle ? cycle.startMs / 1000 : 0);
      end.set(cycle?.endMs ? cycle.endMs / 1000 : 0);
    },
  };
};
