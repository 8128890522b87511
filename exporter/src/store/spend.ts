import type { SpendSnapshot } from '../domain/records';
import type { Db } from './db';
import { MetaRepo } from './meta';

export const LIMITED_USERS_META = 'limited_users_count';

/** A person's spend in the latest snapshot, with their billing group's name (null when in none). */
export interface LatestUserSpend {
  email: string;
  totalMicro: number;
  includedMicro: number;
  onDemandMicro: number;
  limitDollars: number | null; // effective on-demand limit
  groupName: string | null;
}

/** Per-member spend of each billing cycle (spend_snapshots). */
export class SpendRepo {
  private readonly meta: MetaRepo;

  constructor(private readonly db: Db) {
    this.meta = new MetaRepo(db);
  }

  /**
   * Replaces the cycle's snapshot as a whole: deleting first drops people who left the spend list,
   * and doing it in one transaction means readers never see half a cycle. Returns rows written.
   */
  save(snap: SpendSnapshot, nowMs: number): number {
    const { db } = this;
    const del = db.prepare('DELETE FROM spend_snapshots WHERE cycle_start_ms = ?');
    const ins = db.prepare(
      `INSERT OR REPLACE INTO spend_snapshots (cycle_start_ms, email, user_id, total_micro, on_demand_micro, included_micro,
         fast_premium_requests, monthly_limit_dollars, hard_limit_override_dollars, effective_limit_dollars, collected_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, // REPLACE: a member repeated across pages counts once
    );
    return db.transaction(() => {
      del.run(snap.cycleStartMs);
      for (const r of snap.rows) {
        ins.run(
          snap.cycleStartMs,
          r.email,
          r.userId,
          r.totalMicro,
          r.onDemandMicro,
          r.includedMicro,
          r.fastPremiumRequests,
          r.monthlyLimitDollars,
          r.hardLimitOverrideDollars,
          r.effectiveLimitDollars,
          nowMs,
        );
      }
      if (snap.limitedUsersCount !== null) this.meta.set(LIMITED_USERS_META, String(snap.limitedUsersCount), nowMs);
      return snap.rows.length;
    })();
  }

  /** Everyone in the latest cycle's snapshot. */
  latestByUser(): LatestUserSpend[] {
    return this.db
      .prepare(
        `SELECT s.email, s.total_micro AS totalMicro, s.included_micro AS includedMicro, s.on_demand_micro AS onDemandMicro,
                s.effective_limit_dollars AS limitDollars, g.name AS groupName
           FROM spend_snapshots s
           LEFT JOIN group_members gm ON gm.email = s.email
           LEFT JOIN billing_groups g ON g.id = gm.group_id
          WHERE s.cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots)`,
      )
      .all() as LatestUserSpend[];
  }

  /** The latest cycle's snapshot summed over the team (zeros before the first). */
  latestTotals(): { totalMicro: number; includedMicro: number; onDemandMicro: number } {
    return this.db
      .prepare(
        `SELECT COALESCE(SUM(total_micro), 0) AS totalMicro, COALESCE(SUM(included_micro), 0) AS includedMicro,
                COALESCE(SUM(on_demand_micro), 0) AS onDemandMicro
           FROM spend_snapshots WHERE cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots)`,
      )
      .get() as { totalMicro: number; includedMicro: number; onDemandMicro: number };
  }
}
