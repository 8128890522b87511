import { firstSorted } from '../domain/first-sorted';
import { MICROCENTS_PER_CENT } from '../domain/money';
import { mean, median } from '../detect/stats';
import { dayOfCycle, lastDataDay, type CycleInfo } from '../store/cycle';
import type { Memo, PersonActivity } from '../store/cycle-usage';
import type { CycleStore } from './spend';

export interface ExhaustedUser {
  email: string;
  name: string | null;
  /** First day with usage-based (beyond the plan) requests; null when only the spend API shows on-demand spend. */
  firstDay: string | null;
  dayOfCycle: number | null;
  usageBasedRequests: number;
  onDemandMicro: number;
}

export interface PlanExhaustion {
  cycle: CycleInfo;
  usersExhausted: number;
  totalActive: number;
  pctExhausted: number; // rounded percent, like the reference
  avgDays: number | null; // mean day-of-cycle of exhaustion, 1 decimal
  medianDays: number | null;
  users: ExhaustedUser[]; // in no particular order
  /** The first n users, earliest exhaustion first (then the most on-demand spend, then e-mail). */
  earliest(n: number): ExhaustedUser[];
}

const compute: Memo = (_key, f) => f();
// localeCompare's order, without making a collator at each of the thousands of comparisons a sort makes.
const byLocale = new Intl.Collator().compare;

/** Everyone's exhaustion in a cycle up to a day: the exhausted, and who counts as active. */
interface Exhaustion {
  users: ExhaustedUser[];
  active: Set<string>;
}

/**
 * Everyone's activity in the cycle up to `to` (the cycle summary's adoption figures read it too):
 * shared through `memo`, read only.
 */
export function cycleActivity(
  cycleUsage: CycleStore['cycleUsage'],
  cycle: CycleInfo,
  to: string,
  memo: Memo = compute,
): PersonActivity[] {
  return memo(`cycle-activity:${cycle.startDay}:${to}`, () => cycleUsage.activity(cycle.startDay, to));
}

function exhaustion(cycleUsage: CycleStore['cycleUsage'], cycle: CycleInfo, to: string, memo: Memo): Exhaustion {
  const users = new Map<string, ExhaustedUser>();
  const touch = (email: string): ExhaustedUser => {
    let u = users.get(email);
    if (!u)
      users.set(
        email,
        (u = { email, name: null, firstDay: null, dayOfCycle: null, usageBasedRequests: 0, onDemandMicro: 0 }),
      );
    return u;
  };

  // Daily usage and usage events count the same usage-based requests; keep the larger rather than adding them.
  for (const source of ['daily', 'events'] as const) {
    for (const r of cycleUsage.beyondPlan(source, cycle.startDay, to)) {
      const u = touch(r.email);
      if (u.firstDay === null || r.first < u.firstDay) u.firstDay = r.first;
      u.usageBasedRequests = Math.max(u.usageBasedRequests, r.n);
    }
  }
  for (const r of cycleUsage.onDemandSpend(cycleUsage.spendCycleStart(cycle), MICROCENTS_PER_CENT))
    touch(r.email).onDemandMicro = r.micro;

  // Active = agent requests in the period (a person with some has a row in it, so the activity lists them).
  const active = new Set<string>();
  for (const a of cycleActivity(cycleUsage, cycle, to, memo)) if (a.requests > 0) active.add(a.email);
  const names = cycleUsage.memberNames();
  for (const u of users.values()) {
    active.add(u.email);
    u.name = names.get(u.email) ?? null;
    if (u.firstDay !== null) u.dayOfCycle = dayOfCycle(cycle, u.firstDay);
  }
  return { users: [...users.values()], active };
}

// Thousands may have on-demand spend: a table page or a digest's list is selected, not all sorted.
const earliestFirst = (a: ExhaustedUser, b: ExhaustedUser) =>
  (a.dayOfCycle ?? Infinity) - (b.dayOfCycle ?? Infinity) ||
  b.onDemandMicro - a.onDemandMicro ||
  byLocale(a.email, b.email);

/**
 * Daily digest: how many active users exceeded their included plan this cycle. A user is exhausted
 * when daily usage shows usage-based requests, usage events show usage-based events, or the spend
 * snapshot shows on-demand spend in the current cycle. Active = agent requests > 0 this cycle (the
 * reference's rule), plus every exhausted user so the share never exceeds 100%. `emails` limits
 * everything to those people (the API's group filter); null = everyone. Each person's figures come
 * from their own rows only, so a selection is everyone's result restricted to it (one `memo` entry
 * serves every filter).
 */
export function planExhaustion(
  store: CycleStore,
  nowMs: number,
  emails: ReadonlySet<string> | null = null,
  memo: Memo = compute,
): PlanExhaustion | null {
  const cycle = store.cycles.resolve(nowMs);
  if (!cycle) return null;
  const to = lastDataDay(cycle, nowMs);
  const all = memo(`plan-exhaustion:${cycle.startMs}:${cycle.endMs}:${to}`, () =>
    exhaustion(store.cycleUsage, cycle, to, memo),
  );
  const list = emails === null ? all.users : all.users.filter((u) => emails.has(u.email));
  let totalActive = all.active.size;
  if (emails !== null) {
    totalActive = 0;
    for (const e of all.active) if (emails.has(e)) totalActive++;
  }
  const days = list.flatMap((u) => (u.dayOfCycle === null ? [] : [u.dayOfCycle]));
  return {
    cycle,
    usersExhausted: list.length,
    totalActive,
    pctExhausted: totalActive ? Math.round((list.length / totalActive) * 100) : 0,
    avgDays: days.length ? Math.round(mean(days) * 10) / 10 : null,
    medianDays: median(days),
    users: list,
    earliest: (n) => firstSorted(list, n, earliestFirst),
  };
}
