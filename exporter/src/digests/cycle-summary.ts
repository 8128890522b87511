import { DAY_MS } from '../domain/time';
import type { Db } from '../store/db';
import { adoptionTiers, type AdoptionInput, type AdoptionTiers } from './adoption';
import { digestCycle, lastDataDay, previousCycle, type DigestCycle } from './cycle';
import { planExhaustion } from './plan-exhaustion';

/** The reference sends the cycle summary when 0–3 days of the cycle remain. */
export const SUMMARY_DAYS_BEFORE_END = 3;

export interface TopSpender {
  email: string;
  name: string | null;
  spendMicro: number;
}

export interface CycleSummary {
  cycle: DigestCycle;
  /** Spend of the current cycle so far, from usage events (usage_user_daily). */
  totalSpendMicro: number;
  /** What the spend API reports for the cycle (the bill), when a snapshot exists. */
  billedSpendMicro: number | null;
  /** The previous cycle's event spend; null when nothing was collected for it. */
  previousCycleSpendMicro: number | null;
  /** Percent change against the previous cycle; null when there is no previous spend. */
  changePct: number | null;
  totalMembers: number;
  activeMembers: number;
  unusedSeats: number;
  planExhausted: { exhausted: number; totalActive: number };
  topSpenders: TopSpender[];
  adoption: AdoptionTiers;
}

export function cycleSummaryDue(cycle: DigestCycle): boolean {
  return cycle.daysRemaining <= SUMMARY_DAYS_BEFORE_END;
}

function spendBetween(db: Db, from: string, to: string): { micro: number; rows: number } {
  return db
    .prepare('SELECT COALESCE(SUM(charged_micro), 0) AS micro, COUNT(*) AS rows FROM usage_user_daily WHERE day BETWEEN ? AND ?')
    .get(from, to) as { micro: number; rows: number };
}

/**
 * Everything the end-of-cycle digest says, for the CURRENT cycle only (the reference summed every event
 * ever stored). null when no cycle was ever collected.
 */
export function cycleSummary(db: Db, nowMs: number, topN = 5): CycleSummary | null {
  const cycle = digestCycle(db, nowMs);
  if (!cycle) return null;
  const to = lastDataDay(cycle, nowMs);
  const total = spendBetween(db, cycle.startDay, to).micro;
  const prev = previousCycle(db, cycle);
  const prevSpend = spendBetween(db, prev.startDay, prev.endDay);
  const previousCycleSpendMicro = prevSpend.rows > 0 ? prevSpend.micro : null;

  const billed = db
    .prepare(
      `SELECT SUM(total_micro) AS micro FROM spend_snapshots
       WHERE cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots WHERE cycle_start_ms BETWEEN ? AND ?)`,
    )
    .get(cycle.startMs - DAY_MS, cycle.endMs - 1) as { micro: number | null };

  const totalMembers = (db.prepare('SELECT COUNT(*) AS n FROM members WHERE is_removed = 0').get() as { n: number }).n;
  const usage = db
    .prepare(
      `SELECT email, SUM(agent_requests) AS requests, SUM(accepts) AS accepts, SUM(applies) AS applies,
              SUM(CASE WHEN is_active = 1 THEN 1 ELSE 0 END) AS activeDays
       FROM daily_usage WHERE day BETWEEN ? AND ? GROUP BY email`,
    )
    .all(cycle.startDay, to) as AdoptionInput[];
  const activeMembers = usage.filter((u) => u.activeDays > 0).length;

  const topSpenders = db
    .prepare(
      `SELECT u.email, m.name, SUM(u.charged_micro) AS spendMicro FROM usage_user_daily u LEFT JOIN members m ON m.email = u.email
       WHERE u.day BETWEEN ? AND ? GROUP BY u.email HAVING spendMicro > 0 ORDER BY spendMicro DESC, u.email LIMIT ?`,
    )
    .all(cycle.startDay, to, topN) as TopSpender[];

  const pe = planExhaustion(db, nowMs);
  return {
    cycle,
    totalSpendMicro: total,
    billedSpendMicro: billed.micro,
    previousCycleSpendMicro,
    changePct: previousCycleSpendMicro ? Math.round(((total - previousCycleSpendMicro) / previousCycleSpendMicro) * 1000) / 10 : null,
    totalMembers,
    activeMembers,
    unusedSeats: Math.max(0, totalMembers - activeMembers),
    planExhausted: { exhausted: pe?.usersExhausted ?? 0, totalActive: pe?.totalActive ?? 0 },
    topSpenders,
    adoption: adoptionTiers(usage, cycle.lengthDays),
  };
}
