import { MICROCENTS_PER_CENT } from '../domain/money';
import { mean, median } from '../detect/stats';
import { dayOfCycle, lastDataDay, type CycleInfo } from '../store/cycle';
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
  users: ExhaustedUser[]; // earliest exhaustion first
}

/**
 * Daily digest: how many active users exceeded their included plan this cycle. A user is exhausted
 * when daily usage shows usage-based requests, usage events show usage-based events, or the spend
 * snapshot shows on-demand spend in the current cycle. Active = agent requests > 0 this cycle (the
 * reference's rule), plus every exhausted user so the share never exceeds 100%. `emails` limits
 * everything to those people (the API's group filter); null = everyone.
 */
export function planExhaustion(store: CycleStore, nowMs: number, emails: ReadonlySet<string> | null = null): PlanExhaustion | null {
  const { cycleUsage } = store;
  const cycle = store.cycles.resolve(nowMs);
  if (!cycle) return null;
  const to = lastDataDay(cycle, nowMs);
  const inScope = (email: string) => emails === null || emails.has(email);
  const users = new Map<string, ExhaustedUser>();
  const touch = (email: string): ExhaustedUser => {
    let u = users.get(email);
    if (!u) users.set(email, (u = { email, name: null, firstDay: null, dayOfCycle: null, usageBasedRequests: 0, onDemandMicro: 0 }));
    return u;
  };

  // Daily usage and usage events count the same usage-based requests; keep the larger rather than adding them.
  for (const source of ['daily', 'events'] as const) {
    const rows = cycleUsage.beyondPlan(source, cycle.startDay, to);
    for (const r of rows.filter((x) => inScope(x.email))) {
      const u = touch(r.email);
      if (u.firstDay === null || r.first < u.firstDay) u.firstDay = r.first;
      u.usageBasedRequests = Math.max(u.usageBasedRequests, r.n);
    }
  }
  const onDemand = cycleUsage.onDemandSpend(cycleUsage.spendCycleStart(cycle), MICROCENTS_PER_CENT);
  for (const r of onDemand.filter((x) => inScope(x.email))) touch(r.email).onDemandMicro = r.micro;

  const active = new Set(cycleUsage.activeEmails(cycle.startDay, to).filter(inScope));
  const days: number[] = [];
  const names = cycleUsage.memberNames();
  for (const u of users.values()) {
    active.add(u.email);
    u.name = names.get(u.email) ?? null;
    if (u.firstDay !== null) {
      u.dayOfCycle = dayOfCycle(cycle, u.firstDay);
      days.push(u.dayOfCycle);
    }
  }
  const list = [...users.values()].sort(
    (a, b) => (a.dayOfCycle ?? Infinity) - (b.dayOfCycle ?? Infinity) || b.onDemandMicro - a.onDemandMicro || a.email.localeCompare(b.email),
  );
  return {
    cycle,
    usersExhausted: list.length,
    totalActive: active.size,
    pctExhausted: active.size ? Math.round((list.length / active.size) * 100) : 0,
    avgDays: days.length ? Math.round(mean(days) * 10) / 10 : null,
    medianDays: median(days),
    users: list,
  };
}
