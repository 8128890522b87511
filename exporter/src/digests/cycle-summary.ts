import { firstSorted } from '../domain/first-sorted';
import { lastDataDay, type CycleInfo } from '../store/cycle';
import { adoptionTiers, type AdoptionTiers } from './adoption';
import type { Memo } from '../store/cycle-usage';
import { cycleActivity, planExhaustion } from './plan-exhaustion';
import { cycleSpend, relativeChange, type CycleStore } from './spend';

/** The reference sends the cycle summary when 0–3 days of the cycle remain. */
export const SUMMARY_DAYS_BEFORE_END = 3;

export interface TopSpender {
  email: string;
  name: string | null;
  spendMicro: number;
}

export interface CycleSummary {
  cycle: CycleInfo;
  /** Where the spend figures come from (digests/spend.ts cycleSpend); null when nothing was collected. */
  spendSource: 'billed' | 'events' | null;
  /** Spend of the current cycle so far (0 when nothing was collected). */
  totalSpendMicro: number;
  /** The previous cycle's spend, by the same rule; null when nothing was collected for it. */
  previousCycleSpendMicro: number | null;
  /** Change against the previous cycle as a fraction (0.5 = +50%); null without previous spend. */
  change: number | null;
  /** The same change in percent, 1 decimal, as the digest prints it. */
  changePct: number | null;
  /** Current (not removed) members: the seats. */
  totalMembers: number;
  /** Seats with an active day this cycle. */
  activeMembers: number;
  unusedSeats: number;
  planExhausted: { exhausted: number; totalActive: number };
  topSpenders: TopSpender[];
  adoption: AdoptionTiers;
}

export function cycleSummaryDue(cycle: CycleInfo): boolean {
  return cycle.daysLeft <= SUMMARY_DAYS_BEFORE_END;
}

/**
 * Everything the end-of-cycle digest and the API's cycle-summary table say, for the CURRENT cycle only
 * (the reference summed every event ever stored). Seats are current members; `emails` limits every
 * figure to those people (null = everyone). null when no cycle was ever collected. `memo` shares the
 * plan-exhaustion digest (see planExhaustion).
 */
export function cycleSummary(
  store: CycleStore,
  nowMs: number,
  emails: ReadonlySet<string> | null = null,
  topN = 5,
  memo?: Memo,
): CycleSummary | null {
  const { cycles, cycleUsage } = store;
  const cycle = cycles.resolve(nowMs);
  if (!cycle) return null;
  const to = lastDataDay(cycle, nowMs);
  const inScope = (email: string) => emails === null || emails.has(email);
  const spend = cycleSpend(cycleUsage, cycle, to, emails);
  const prev = cycles.previous(cycle);
  const previousCycleSpendMicro = cycleSpend(cycleUsage, prev, prev.lastDay, emails)?.totalMicro ?? null;
  const totalSpendMicro = spend?.totalMicro ?? 0;
  const change = spend ? relativeChange(totalSpendMicro, previousCycleSpendMicro) : null;

  const seats = emails === null ? cycleUsage.seats() : new Set([...cycleUsage.seats()].filter(inScope));
  const usage = cycleActivity(cycleUsage, cycle, to, memo).filter((u) => seats.has(u.email));
  const activeMembers = usage.filter((u) => u.activeDays > 0).length;

  const topSpenders = firstSorted(
    (spend?.byPerson ?? []).filter(([, micro]) => micro > 0),
    topN,
    ([a, x], [b, y]) => y - x || (a < b ? -1 : 1),
  ).map(([email, spendMicro]) => ({ email, name: cycleUsage.memberName(email), spendMicro }));

  const pe = planExhaustion(store, nowMs, emails, memo);
  return {
    cycle,
    spendSource: spend?.source ?? null,
    totalSpendMicro,
    previousCycleSpendMicro,
    change,
    changePct: change === null ? null : Math.round(change * 1000) / 10,
    totalMembers: seats.size,
    activeMembers,
    unusedSeats: Math.max(0, seats.size - activeMembers),
    planExhausted: { exhausted: pe?.usersExhausted ?? 0, totalActive: pe?.totalActive ?? 0 },
    topSpenders,
    adoption: adoptionTiers(usage, cycle.lengthDays),
  };
}
