import type { Store } from '../store';
import type { CycleInfo } from '../store/cycle';
import type { CycleUsageRepo } from '../store/cycle-usage';

/** What the cycle digests read: which cycle is in force, and the usage and spend in it. */
export type CycleStore = Pick<Store, 'cycles' | 'cycleUsage'>;

export interface CycleSpend {
  /** billed = the spend endpoint's snapshot (what Cursor bills); events = charged usage events. */
  source: 'billed' | 'events';
  totalMicro: number;
  byPerson: [email: string, micro: number][];
}

/**
 * A cycle's spend per person: its bill when a spend snapshot of that cycle exists, else the charged
 * usage events from its start to `toDay` (the two reconcile, per Cursor's docs); null when neither was
 * collected. `emails` limits it to those people; null = everyone.
 */
export function cycleSpend(
  usage: CycleUsageRepo,
  cycle: CycleInfo,
  toDay: string,
  emails: ReadonlySet<string> | null,
): CycleSpend | null {
  const snapshot = usage.spendCycleStart(cycle);
  const rows = snapshot !== null ? usage.billedSpend(snapshot) : usage.chargedSpend(cycle.startDay, toDay);
  if (snapshot === null && rows.length === 0) return null;
  const byPerson = emails === null ? rows : rows.filter(([email]) => emails.has(email));
  let totalMicro = 0;
  for (const [, micro] of byPerson) totalMicro += micro;
  return { source: snapshot !== null ? 'billed' : 'events', totalMicro, byPerson };
}

/** Relative change (0.5 = +50%); null without a previous amount to compare with. */
export function relativeChange(current: number, previous: number | null): number | null {
  return previous ? (current - previous) / previous : null;
}
