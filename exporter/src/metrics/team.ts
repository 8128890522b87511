import { microToUsd } from '../domain/money';
import { currentCycle, cycleStartDay } from './cycle';
import type { FamilyFactory } from './types';

/** Team and seats: who is on the team, who uses their seat, and what the current cycle costs in total. */
export const teamFamily: FamilyFactory = ({ db, gauge: g }) => {
  const members = g('cursor_team_members', 'Team members (not removed) by role.', ['role']);
  const seats = g(
    'cursor_team_seats',
    'Team members (not removed) by activity: active = active on a day of the current billing cycle, inactive = active before but not this cycle, never_active = no active day on record.',
    ['state'],
  );
  const spend = g('cursor_team_cycle_spend_usd', 'Team spend this billing cycle, included plus on-demand, in USD.');
  const included = g('cursor_team_cycle_included_spend_usd', 'Team spend covered by included plan usage this billing cycle, in USD.');
  const onDemand = g('cursor_team_cycle_on_demand_spend_usd', 'Team on-demand (billed beyond the plan) spend this billing cycle, in USD.');
  const start = g('cursor_billing_cycle_start_timestamp_seconds', 'Start of the current billing cycle (Unix seconds; 0 until known).');
  const end = g('cursor_billing_cycle_end_timestamp_seconds', 'End of the current billing cycle (Unix seconds; 0 until the groups endpoint reported it).');

  return {
    name: 'team',
    refill({ nowMs }) {
      members.reset();
      for (const r of db
        .prepare('SELECT role, COUNT(*) AS n FROM members WHERE is_removed = 0 GROUP BY role')
        .all() as { role: string; n: number }[]) {
        members.set({ role: r.role }, r.n);
      }

      const cycle = currentCycle(db, nowMs);
      const seatRow = db
        .prepare(
          `SELECT COALESCE(SUM(recent), 0) AS active,
                  COALESCE(SUM(ever AND NOT recent), 0) AS inactive,
                  COALESCE(SUM(NOT ever), 0) AS never
             FROM (SELECT EXISTS(SELECT 1 FROM daily_usage d WHERE d.email = m.email AND d.is_active = 1 AND d.day >= ?) AS recent,
                          EXISTS(SELECT 1 FROM daily_usage d WHERE d.email = m.email AND d.is_active = 1) AS ever
                     FROM members m WHERE m.is_removed = 0)`,
        )
        .get(cycleStartDay(cycle, nowMs)) as { active: number; inactive: number; never: number };
      seats.reset();
      seats.set({ state: 'active' }, seatRow.active);
      seats.set({ state: 'inactive' }, seatRow.inactive);
      seats.set({ state: 'never_active' }, seatRow.never);

      const totals = db
        .prepare(
          `SELECT COALESCE(SUM(total_micro), 0) AS total, COALESCE(SUM(included_micro), 0) AS included,
                  COALESCE(SUM(on_demand_micro), 0) AS onDemand
             FROM spend_snapshots WHERE cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots)`,
        )
        .get() as { total: number; included: number; onDemand: number };
      spend.set(microToUsd(totals.total));
      included.set(microToUsd(totals.included));
      onDemand.set(microToUsd(totals.onDemand));
      start.set(cycle ? cycle.startMs / 1000 : 0);
      end.set(cycle?.endMs ? cycle.endMs / 1000 : 0);
    },
  };
};
