import { DAY_MS } from '../domain/time';
import type { CycleInfo } from './cycle';
import { activityOf } from './activity-day-packs';
import type { Db } from './db';
import { MembersRepo } from './members';
import { U, usageWindow } from './usage-day-packs';

/**
 * Keeps a computation's result for a key while the data stays the same (the API's read model shares
 * what its whole-team tables read in common, queries/cache.ts); the default computes every time.
 */
export type Memo = <T>(key: string, compute: () => T) => T;
const compute: Memo = (_key, f) => f();

/** One spend snapshot row: [email, total, on-demand, included (micro), effective limit (dollars)]. */
export type SnapshotRow = [string, number, number, number, number | null];

/** A person's usage-based (beyond the plan) requests in a period, and the first day they appear. */
export interface BeyondPlanRow {
  email: string;
  first: string;
  n: number;
}

/** A person's activity over a period: the adoption score's inputs. */
export interface PersonActivity {
  email: string;
  requests: number;
  accepts: number;
  applies: number;
  activeDays: number;
}

/**
 * What the billing-cycle digests (plan exhaustion, cycle summary) read: seats, activity, usage beyond
 * the plan and spend per person over a cycle, from daily usage, usage events and spend snapshots.
 */
export class CycleUsageRepo {
  /** memo: shares a spend snapshot between the readers of one store generation (see Memo). */
  constructor(
    private readonly db: Db,
    private readonly memo: Memo = compute,
  ) {}

  /**
   * The spend snapshot cycle that belongs to `cycle`: snapshots are keyed by the spend endpoint's own
   * cycle start, which may sit up to a day off the groups endpoint's. null when none was collected.
   */
  spendCycleStart(cycle: Pick<CycleInfo, 'startMs' | 'endMs'>): number | null {
    return this.db
      .prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots WHERE cycle_start_ms >= ? AND cycle_start_ms < ?')
      .pluck()
      .get(cycle.startMs - DAY_MS, cycle.endMs - DAY_MS) as number | null;
  }

  /** The latest spend snapshot cycle collected, null when none was. */
  latestSpendCycleStart(): number | null {
    return this.db.prepare('SELECT MAX(cycle_start_ms) FROM spend_snapshots').pluck().get() as number | null;
  }

  /**
   * Every row of one spend snapshot cycle (billed and on-demand spend, the members table read it), by
   * e-mail. Read as one JSON value that SQLite builds and JSON.parse reads natively: 10,000 rows through
   * the driver were ~20 ms, as JSON ~6 (numbers round-trip exactly, REAL ones too).
   */
  snapshot(cycleStartMs: number): SnapshotRow[] {
    return this.memo(
      `spend-snapshot:${cycleStartMs}`,
      () =>
        JSON.parse(
          this.db
            .prepare(
              `SELECT json_group_array(json_array(email, total_micro, on_demand_micro, included_micro, effective_limit_dollars))
               FROM spend_snapshots WHERE cycle_start_ms = ?`,
            )
            .pluck()
            .get(cycleStartMs) as string,
        ) as SnapshotRow[],
    );
  }

  /** [email, billed micro] of one spend snapshot cycle. */
  billedSpend(cycleStartMs: number): [string, number][] {
    return this.snapshot(cycleStartMs).map((r) => [r[0], r[1]]);
  }

  /** [email, charged micro] of everyone with usage in [fromDay, toDay], by email (the days' packs, usage-day-packs.ts). */
  chargedSpend(fromDay: string, toDay: string): [string, number][] {
    const u = usageWindow(this.db, fromDay, toDay, this.memo);
    return u.emails.map((e, i) => [e, u.sums[U.spend][i]]);
  }

  /** On-demand spend of at least `minMicro` in a spend snapshot cycle (none when the cycle is null). */
  onDemandSpend(cycleStartMs: number | null, minMicro: number): { email: string; micro: number }[] {
    if (cycleStartMs === null) return [];
    return this.snapshot(cycleStartMs).flatMap((r) => (r[2] >= minMicro ? [{ email: r[0], micro: r[2] }] : []));
  }

  /**
   * Usage-based requests per person in [fromDay, toDay], as daily usage counts them ('daily') and as
   * usage events count them ('events').
   */
  beyondPlan(source: 'daily' | 'events', fromDay: string, toDay: string): BeyondPlanRow[] {
    const [table, column] =
      source === 'daily' ? ['daily_usage', 'usage_based_reqs'] : ['usage_daily', 'usage_based_events'];
    return this.db
      .prepare(
        `SELECT email, MIN(day) AS first, SUM(${column}) AS n FROM ${table}
         WHERE day BETWEEN ? AND ? AND ${column} > 0 GROUP BY email`,
      )
      .all(fromDay, toDay) as BeyondPlanRow[];
  }

  /** Requests, accepts, applies and active days of everyone with daily usage in [fromDay, toDay], by email (the days' packs). */
  activity(fromDay: string, toDay: string): PersonActivity[] {
    return activityOf(this.db, fromDay, toDay);
  }

  /** Current (not removed) members: the seats. */
  seats(): ReadonlySet<string> {
    return new MembersRepo(this.db).seated();
  }

  /** Every member's name by email: one read for a list of thousands (memberName per person is a lookup each). */
  memberNames(): ReadonlyMap<string, string> {
    return new MembersRepo(this.db).names();
  }

  /** A member's name, or null for someone who is not a member. */
  memberName(email: string): string | null {
    return this.memberNames().get(email) ?? null;
  }
}
