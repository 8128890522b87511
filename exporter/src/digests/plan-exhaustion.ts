import { MICROCENTS_PER_CENT } from '../domain/money';
import type { Db } from '../store/db';
import { spendCycleStart } from './spend';
import { mean, median } from '../detect/stats';
import { CyclesRepo, dayOfCycle, lastDataDay, type CycleInfo } from '../store/cycle';

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
export function planExhaustion(db: Db, nowMs: number, emails: ReadonlySet<string> | null = null): PlanExhaustion | null {
  const cycle = new CyclesRepo(db).resolve(nowMs);
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
  for (const [table, column] of [['daily_usage', 'usage_based_reqs'], ['usage_daily', 'usage_based_events']] as const) {
    const rows = db
      .prepare(
        `SELECT email, MIN(day) AS first, SUM(${column}) AS n FROM ${table}
         WHERE day BETWEEN ? AND ? AND ${column} > 0 GROUP BY email`,
      )
      .all(cycle.startDay, to) as { email: string; first: string; n: number }[];
    for (const r of rows.filter((x) => inScope(x.email))) {
      const u = touch(r.email);
      if (u.firstDay === null || r.first < u.firstDay) u.firstDay = r.first;
      u.usageBasedRequests = Math.max(u.usageBasedRequests, r.n);
    }
  }
  const onDemand = db
    .prepare(
      `SELECT email, on_demand_micro AS micro FROM spend_snapshots
       WHERE cycle_start_ms = ? AND on_demand_micro >= ?`,
    )
    .all(spendCycleStart(db, cycle), MICROCENTS_PER_CENT) as { email: string; micro: number }[];
  for (const r of onDemand.filter((x) => inScope(x.email))) touch(r.email).onDemandMicro = r.micro;

  const active = new Set(
    (db.prepare('SELECT DISTINCT email FROM daily_usage WHERE day BETWEEN ? AND ? AND agent_requests > 0').all(cycle.startDay, to) as { email: string }[]).map(
      (r) => r.email,
    ).filter(inScope),
  );
  const name = db.prepare('SELECT name FROM members WHERE email = ?');
  const days: number[] = [];
  for (const u of users.values()) {
    active.add(u.email);
    u.name = (name.get(u.email) as { name: string } | undefined)?.name ?? null;
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
