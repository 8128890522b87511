import type { BillingCycle } from '../domain/records';
import { DAY_MS, HOUR_MS, addDays, dayStartMs, daysBetween } from '../domain/time';
import type { Facts, FactsSink, FactsWindow } from '../detect/facts';
import type { CrossingAsk } from '../detect/run';
import type { Db } from './db';
import { DayPacks } from './day-packs';
import { U, USAGE_PACKS } from './usage-day-packs';

/**
 * What detection reads, loaded from the store: members, groups, limits, daily usage per model,
 * hourly spend and the limited-users count become Facts (detect/facts.ts), and the raw events
 * answer when a day's spend crossed a threshold. The detectors themselves never see the database.
 * Spend is usage_daily.charged_micro, requests usage_daily.events (usage events, one a request),
 * not usage_daily.requests: billable request units are priced by the model (a dearer model costs
 * more units), so spend ÷ units stays flat through a switch to a dearer model or a $/request drift,
 * the very changes cost_per_request, drift and model_shift look for (on request units the tuned
 * family's drift recall fell from 18/20 to 2/20 and its model switches from 20/20 to 13/20).
 */
export class DetectionFactsRepo {
  private readonly packs: DayPacks;

  constructor(private readonly db: Db) {
    this.packs = new DayPacks(db, USAGE_PACKS);
  }

  cycles(): BillingCycle[] {
    return this.db
      .prepare('SELECT start_ms AS startMs, end_ms AS endMs FROM billing_cycles ORDER BY start_ms')
      .all() as BillingCycle[];
  }

  /** The facts of window `w`, built by `b` (a FactsBuilder for w: detect/ owns how facts are laid out). */
  load(w: FactsWindow, b: FactsSink): Facts {
    const db = this.db;
    const groups = db.prepare('SELECT id, name FROM billing_groups ORDER BY id').raw().all() as [string, string][];
    for (const [id, name] of groups) b.group(id, name);
    const members = db
      .prepare(
        `SELECT m.email, m.name, gm.group_id FROM members m LEFT JOIN group_members gm ON gm.email = m.email
         WHERE m.is_removed = 0 OR EXISTS (SELECT 1 FROM usage_user_daily u WHERE u.email = m.email AND u.day BETWEEN ? AND ?)`,
      )
      .raw()
      .all(w.fromDay, w.toDay) as [string, string, string | null][];
    for (const [email, name, groupId] of members) b.user(email, name, groupId);
    // Group members without a member row (removed before the first sync) still belong to their group.
    for (const [email, groupId] of db.prepare('SELECT email, group_id FROM group_members').raw().all() as [
      string,
      string,
    ][])
      b.user(email, undefined, groupId);
    // Each person's own limit per cycle snapshot (an override beats the monthly limit): the latest
    // for the current cycle, earlier ones (back to the window's first cycle) for backtests.
    const limitsCycle = (
      db.prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots').raw().get() as [number | null]
    )[0];
    const limits = db
      .prepare(
        `SELECT cycle_start_ms, email, COALESCE(effective_limit_dollars, NULLIF(hard_limit_override_dollars, 0), monthly_limit_dollars)
         FROM spend_snapshots WHERE cycle_start_ms >= ?`,
      )
      .raw()
      .all(Math.min(w.limitsFromMs, limitsCycle ?? w.limitsFromMs)) as [number, string, number | null][];
    for (const [cycleMs, email, limit] of limits) {
      if (limit === null || !(limit > 0)) continue;
      if (cycleMs === limitsCycle) b.limit(email, limit);
      else b.pastLimit(cycleMs, email, limit);
    }
    // The hot part (~560k rows for 10,000 people × 57 days): each day from its pack, typed columns
    // (store/usage-day-packs.ts), or from its rows when not packed yet; in day order either way, so
    // people are numbered alike.
    const { days, emails } = this.packs.days(w.fromDay, w.toDay);
    const userOf = new Int32Array(emails.length).fill(-1);
    if (days.length > 0) b.reserve(days[0].rows * (daysBetween(w.fromDay, w.toDay).length + 1));
    for (const head of days) {
      const d = b.dayIndex(head.day);
      const usage = head.read();
      const models = usage.models.map((m) => b.model(m));
      const m = usage.measures;
      const [spend, events, tok, ub, od] = [m[U.spend], m[U.events], m[U.tokens], m[U.usageBased], m[U.onDemand]];
      for (let i = 0; i < usage.rows; i++) {
        const p = usage.people[i];
        let u = userOf[p];
        if (u < 0) u = userOf[p] = b.user(emails[p]);
        b.usageAt(d, u, models[usage.model[i]], spend[i], events[i], tok[i], ub[i], od[i]);
      }
    }
    let hourlyEndMs: number | undefined;
    if (w.hourlyUntilMs !== undefined || w.hourlyWholeWindow) {
      const until = w.hourlyWholeWindow ? dayStartMs(addDays(w.toDay, 1)) : (w.hourlyUntilMs as number);
      const from = w.hourlyWholeWindow ? dayStartMs(w.fromDay) : until - 3 * DAY_MS;
      const hours = db
        .prepare(
          `SELECT n.name, h, spend FROM (
             SELECT email_id, (ts_ms / ${HOUR_MS}) * ${HOUR_MS} AS h, SUM(charged_micro) AS spend FROM usage_event_rows
             WHERE ts_ms >= ? AND ts_ms < ? GROUP BY email_id, h
           ) JOIN usage_names n ON n.id = email_id`,
        )
        .raw()
        .all(from, until) as [string, number, number][];
      for (const [email, h, spend] of hours) b.hourRow(email, h, spend);
      hourlyEndMs = until;
    }
    const limited = db.prepare("SELECT value, updated_ms FROM meta WHERE key = 'limited_users_count'").raw().get() as
      [string, number] | undefined;
    const count = limited ? Number(limited[0]) : NaN;
    return b.build({
      cycles: this.cycles(),
      hourlyEndMs,
      limitedUsers: limited && Number.isFinite(count) ? { count, asOfMs: limited[1] } : null,
      limitsCycleStartMs: limitsCycle,
    });
  }

  /**
   * When each user's cumulative spend on a day first went above an amount, from the raw events: the
   * onset of a finding in the data, so MTTD measures data → alert rather than detection → incident.
   */
  crossingTimes(asks: CrossingAsk[]): (number | null)[] {
    const stmt = this.db.prepare(
      `SELECT ts_ms, charged_micro FROM usage_event_rows
       WHERE email_id = (SELECT id FROM usage_names WHERE name = ?) AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms`,
    );
    return asks.map(({ email, day, micro }) => {
      const start = dayStartMs(day);
      let sum = 0;
      for (const [ts, c] of stmt.raw().iterate(email, start, start + DAY_MS) as IterableIterator<[number, number]>) {
        sum += c;
        if (sum > micro) return ts; // strictly above, like the detectors
      }
      return null;
    });
  }
}
