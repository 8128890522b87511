import type { Frame, FrameWithMeta } from '../api/schemas/common';
import type { Db } from '../store/db';
import { dayStartMs } from '../domain/time';
import { col, frame, usd } from './frame';
import { planExhaustion, type TeamStats } from './members';

/**
 * Cycle summary, one row. Spend is the billed cycle total from the latest spend snapshot (not every
 * event ever stored, the reference's bug §11.10), compared with the previous cycle's snapshot.
 */
export function cycleSummary(db: Db, stats: TeamStats, emails: Set<string> | null): Frame {
  const c = stats.cycle;
  const people = stats.members.filter((m) => emails === null || emails.has(m.email));
  // Seats are the current members in scope: removed people's activity must not count against them.
  const seats = new Set(people.map((m) => m.email));
  const inScope = (e: string) => emails === null || emails.has(e);
  const cycleTotal = (start: number | null) =>
    start === null
      ? null
      : (db.prepare('SELECT email, total_micro AS t FROM spend_snapshots WHERE cycle_start_ms = ?').all(start) as { email: string; t: number }[])
          .filter((r) => inScope(r.email))
          .reduce((s, r) => s + r.t, 0);
  const latest = db.prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots').pluck().get() as number | null;
  const previous = latest === null ? null : (db.prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots WHERE cycle_start_ms < ?').pluck().get(latest) as number | null);
  const spend = cycleTotal(latest);
  const prev = cycleTotal(previous);
  const active = c
    ? (db.prepare('SELECT DISTINCT email FROM daily_usage WHERE day BETWEEN ? AND ? AND is_active = 1').pluck().all(c.startDay, c.lastDay) as string[]).filter((e) => seats.has(e)).length
    : 0;
  const exhausted = c ? [...planExhaustion(db, c).keys()].filter((e) => seats.has(e)).length : 0;
  const top = people.filter((m) => (m.cycleSpendMicro ?? 0) > 0).sort((a, b) => (b.cycleSpendMicro ?? 0) - (a.cycleSpendMicro ?? 0)).slice(0, 5);
  return frame(
    [
      col.time('cycle_start'), col.time('cycle_end'), col.num('cycle_day'), col.num('cycle_days'), col.num('days_left'),
      col.usd('spend_usd'), col.usd('previous_spend_usd'), col.num('change', 'percentunit'), col.num('members'), col.num('active_members'),
      col.num('unused_seats'), col.num('plan_exhausted'), col.str('top_spenders'),
    ],
    [
      {
        cycle_start: c?.startMs ?? null,
        cycle_end: c?.endMs ?? null,
        cycle_day: c?.dayOfCycle ?? null,
        cycle_days: c?.lengthDays ?? null,
        days_left: c?.daysLeft ?? null,
        spend_usd: spend === null ? null : usd(spend),
        previous_spend_usd: prev === null ? null : usd(prev),
        change: spend !== null && prev ? (spend - prev) / prev : null,
        members: people.length,
        active_members: active,
        unused_seats: Math.max(0, people.length - active),
        plan_exhausted: exhausted,
        top_spenders: top.map((m) => `${m.name} ($${usd(m.cycleSpendMicro ?? 0).toFixed(2)})`).join(', '),
      },
    ],
  );
}

const BUCKETS: [string, number, number][] = [['Day 1-3', 1, 3], ['Day 4-7', 4, 7], ['Day 8-14', 8, 14], ['Day 15+', 15, Infinity]];

/**
 * Plan exhaustion this cycle: who ran out of their included plan, on which cycle day, and how many
 * usage-based requests since (the first `limit`). meta summarises everyone: share, average, median, buckets.
 */
export function planExhaustionTable(db: Db, stats: TeamStats, emails: Set<string> | null, limit: number): FrameWithMeta {
  const c = stats.cycle;
  const inScope = (e: string) => emails === null || emails.has(e);
  const names = new Map(stats.members.map((m) => [m.email, m.name]));
  const list = c
    ? [...planExhaustion(db, c).entries()]
        .filter(([e]) => inScope(e))
        .map(([email, x]) => ({ email, name: names.get(email) ?? email, day: x.first, cycleDay: Math.floor((dayStartMs(x.first) - dayStartMs(c.startDay)) / 86_400_000) + 1, reqs: x.reqs }))
        .sort((a, b) => a.cycleDay - b.cycleDay || b.reqs - a.reqs || a.email.localeCompare(b.email))
    : [];
  const active = c
    ? (db.prepare('SELECT DISTINCT email FROM daily_usage WHERE day BETWEEN ? AND ? AND agent_requests > 0').pluck().all(c.startDay, c.lastDay) as string[]).filter(inScope).length
    : 0;
  const days = list.map((x) => x.cycleDay).sort((a, b) => a - b);
  const mid = days.length >> 1;
  const meta: Record<string, number | null> = {
    users_exhausted: list.length,
    total_active: active,
    share: active > 0 ? list.length / active : null,
    avg_days: days.length ? Math.round((days.reduce((s, d) => s + d, 0) / days.length) * 10) / 10 : null,
    median_days: days.length ? (days.length % 2 ? days[mid] : (days[mid - 1] + days[mid]) / 2) : null,
  };
  for (const [label, lo, hi] of BUCKETS) meta[label] = days.filter((d) => d >= lo && d <= hi).length;
  return {
    columns: [col.str('email'), col.str('name'), col.time('exhausted'), col.num('cycle_day'), col.num('usage_based_requests')],
    rows: list.slice(0, limit).map((x) => ({ email: x.email, name: x.name, exhausted: dayStartMs(x.day), cycle_day: x.cycleDay, usage_based_requests: x.reqs })),
    meta,
  };
}
