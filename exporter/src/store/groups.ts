import type { GroupsSnapshot } from '../domain/records';
import type { Db } from './db';

/** Cursor's billing groups, who is in which, and the billing cycle (billing_groups, group_members, billing_cycles). */
export class GroupsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Stores Cursor's billing groups, who is in which (one group per person, from currentMembers) and
   * the billing cycle. Groups and memberships created locally (source='local') are never overwritten:
   * they are this tool's own grouping, not Cursor's. Returns the group and membership rows written.
   */
  save(snap: GroupsSnapshot, nowMs: number): { groups: number; members: number } {
    const { db } = this;
    const upsertGroup = db.prepare(
      `INSERT INTO billing_groups (id, name, type, directory_group_id, source, cycle_spend_micro, updated_ms)
       VALUES (?, ?, ?, ?, 'cursor', ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type,
         directory_group_id = excluded.directory_group_id, cycle_spend_micro = excluded.cycle_spend_micro,
         updated_ms = excluded.updated_ms
       WHERE billing_groups.source <> 'local'`,
    );
    const upsertMember = db.prepare(
      `INSERT INTO group_members (email, group_id, joined_ms, source) VALUES (?, ?, ?, 'cursor')
       ON CONFLICT(email) DO UPDATE SET group_id = excluded.group_id, joined_ms = excluded.joined_ms
       WHERE group_members.source <> 'local'`,
    );
    const upsertCycle = db.prepare(
      'INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?) ON CONFLICT(start_ms) DO UPDATE SET end_ms = excluded.end_ms',
    );
    return db.transaction(() => {
      let groups = 0;
      let members = 0;
      for (const g of snap.groups) {
        groups += upsertGroup.run(g.id, g.name, g.type, g.directoryGroupId, g.spendMicro, nowMs).changes;
        for (const m of g.currentMembers) members += upsertMember.run(m.email, g.id, m.joinedAtMs).changes;
      }
      if (snap.cycle) upsertCycle.run(snap.cycle.startMs, snap.cycle.endMs);
      return { groups, members };
    })();
  }

  /** Group id → name. */
  names(): Map<string, string> {
    return new Map(
      (this.db.prepare('SELECT id, name FROM billing_groups').all() as { id: string; name: string }[]).map((r) => [
        r.id,
        r.name,
      ]),
    );
  }

  /** Member e-mail → the name of their group (people in no group are absent). */
  memberGroupNames(): Map<string, string> {
    return new Map(
      (
        this.db
          .prepare('SELECT gm.email, g.name FROM group_members gm JOIN billing_groups g ON g.id = gm.group_id')
          .all() as {
          email: string;
          name: string;
        }[]
      ).map((r) => [r.email, r.name]),
    );
  }

  /** Every group with the cycle spend Cursor reports for it and its current member count. */
  listWithSpend(): { name: string; spendMicro: number; members: number }[] {
    return this.db
      .prepare(
        `SELECT g.name, g.cycle_spend_micro AS spendMicro, (SELECT COUNT(*) FROM group_members gm WHERE gm.group_id = g.id) AS members
           FROM billing_groups g`,
      )
      .all() as { name: string; spendMicro: number; members: number }[];
  }
}
