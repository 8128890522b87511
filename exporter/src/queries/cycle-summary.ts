import type { Frame, FrameWithMeta } from '../schemas/common';
import { cycleSummary } from '../digests/cycle-summary';
import { planExhaustion } from '../digests/plan-exhaustion';
import { dayStartMs } from '../domain/time';
import { CyclesRepo } from '../store/cycle';
import { CycleUsageRepo, type Memo } from '../store/cycle-usage';
import type { Db } from '../store/db';
import { col, frame, usd } from './frame';

/**
 * The API's cycle-summary table: the digest's computation (digests/cycle-summary.ts) as one row, for
 * everyone or the people `emails` selects.
 */
export function cycleSummaryTable(db: Db, nowMs: number, emails: Set<string> | null, memo?: Memo): Frame {
  const s = cycleSummary(
    { cycles: new CyclesRepo(db), cycleUsage: new CycleUsageRepo(db, memo) },
    nowMs,
    emails,
    undefined,
    memo,
  );
  const c = s?.cycle;
  return frame(
    [
      col.time('cycle_start'),
      col.time('cycle_end'),
      col.num('cycle_day'),
      col.num('cycle_days'),
      col.num('days_left'),
      col.usd('spend_usd'),
      col.usd('previous_spend_usd'),
      col.num('change', 'percentunit'),
      col.num('members'),
      col.num('active_members'),
      col.num('unused_seats'),
      col.num('plan_exhausted'),
      col.str('top_spenders'),
    ],
    [
      {
        cycle_start: c?.startMs ?? null,
        cycle_end: c?.endMs ?? null,
        cycle_day: c?.dayOfCycle ?? null,
        cycle_days: c?.lengthDays ?? null,
        days_left: c?.daysLeft ?? null,
        spend_usd: s?.spendSource ? usd(s.totalSpendMicro) : null,
        previous_spend_usd: s?.previousCycleSpendMicro == null ? null : usd(s.previousCycleSpendMicro),
        change: s?.change ?? null,
        members: s?.totalMembers ?? 0,
        active_members: s?.activeMembers ?? 0,
        unused_seats: s?.unusedSeats ?? 0,
        plan_exhausted: s?.planExhausted.exhausted ?? 0,
        top_spenders: (s?.topSpenders ?? [])
          .map((t) => `${t.name ?? t.email} ($${usd(t.spendMicro).toFixed(2)})`)
          .join(', '),
      },
    ],
  );
}

const BUCKETS: [string, number, number][] = [
  ['Day 1-3', 1, 3],
  ['Day 4-7', 4, 7],
  ['Day 8-14', 8, 14],
  ['Day 15+', 15, Infinity],
];

/**
 * The API's plan-exhaustion table: the digest's computation (digests/plan-exhaustion.ts), earliest
 * first, the first `limit` people. meta summarises everyone: share, average, median, day buckets.
 * People who show only on-demand spend have no exhaustion day.
 */
export function planExhaustionTable(
  db: Db,
  nowMs: number,
  emails: Set<string> | null,
  limit: number,
  memo?: Memo,
): FrameWithMeta {
  const pe = planExhaustion(
    { cycles: new CyclesRepo(db), cycleUsage: new CycleUsageRepo(db, memo) },
    nowMs,
    emails,
    memo,
  );
  const users = pe?.users ?? [];
  const days = users.flatMap((u) => (u.dayOfCycle === null ? [] : [u.dayOfCycle]));
  const meta: Record<string, number | null> = {
    users_exhausted: pe?.usersExhausted ?? 0,
    total_active: pe?.totalActive ?? 0,
    share: pe?.totalActive ? pe.usersExhausted / pe.totalActive : null,
    avg_days: pe?.avgDays ?? null,
    median_days: pe?.medianDays ?? null,
  };
  for (const [label, lo, hi] of BUCKETS) meta[label] = days.filter((d) => d >= lo && d <= hi).length;
  return {
    columns: [
      col.str('email'),
      col.str('name'),
      col.time('exhausted'),
      col.num('cycle_day'),
      col.num('usage_based_requests'),
    ],
    rows: (pe?.earliest(limit) ?? []).map((u) => ({
      email: u.email,
      name: u.name ?? u.email,
      exhausted: u.firstDay === null ? null : dayStartMs(u.firstDay),
      cycle_day: u.dayOfCycle,
      usage_based_requests: u.usageBasedRequests,
    })),
    meta,
  };
}
