import type { SpendSnapshot } from '../domain/records';
import type { Db } from './db';
import { MetaRepo } from './meta';

export const LIMITED_USERS_META = 'limited_users_count';

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
          snap.cycleStartMs, r.email, r.userId, r.totalMicro, r.onDemandMicro, r.includedMicro, r.fastPremiumRequests,
          r.monthlyLimitDollars, r.hardLimitOverrideDollars, r.effectiveLimitDollars, nowMs,
        );
      }
      if (snap.limitedUsersCount !== null) this.meta.set(LIMITED_USERS_META, String(snap.limitedUsersCount), nowMs);
      return snap.rows.length;
    })();
  }
}
