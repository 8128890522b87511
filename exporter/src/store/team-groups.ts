import type { Db } from './db';

/** A member of a group, with their billed total in the latest spend snapshot. */
export interface GroupMemberSpend {
  gid: string;
  email: string;
  name: string;
  spend: number;
}

/** Who is in which group, as the backup CSV and the HiBob import compare it: email → name and group name. */
export interface MembershipRow {
  email: string;
  name: string;
  g: string | null;
}

/**
 * The groups as people manage them through the API: local groups (source 'local'), renames and moves,
 * over the same billing_groups and group_members tables Cursor's groups are synced into (store/groups.ts).
 */
export class TeamGroupsRepo {
  constructor(private readonly db: Db) {}

  list(): { id: string; name: string; source: string }[] {
    return this.db.prepare('SELECT id, name, source FROM billing_groups ORDER BY lower(name), id').all() as {
      id: string;
      name: string;
      source: string;
    }[];
  }

  /** Current (not removed) members of every group, with their spend in the latest snapshot. */
  membersWithSpend(): GroupMemberSpend[] {
    return this.db
      .prepare(
        `SELECT gm.group_id AS gid, m.email, m.name, COALESCE(s.total_micro, 0) AS spend
         FROM group_members gm JOIN members m ON m.email = gm.email AND m.is_removed = 0
         LEFT JOIN spend_snapshots s ON s.email = m.email AND s.cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots)
         ORDER BY lower(m.name), m.email`,
      )
      .all() as GroupMemberSpend[];
  }

  exists(id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM billing_groups WHERE id = ?').get(id);
  }

  /** Another group with this name (case and surrounding spaces aside), if any. */
  nameTaken(name: string, exceptId: string | null): { id: string; name: string } | undefined {
    return this.db
      .prepare('SELECT id, name FROM billing_groups WHERE lower(trim(name)) = lower(trim(?)) AND id IS NOT ?')
      .get(name, exceptId) as { id: string; name: string } | undefined;
  }

  insertLocal(id: string, name: string, nowMs: number): void {
    this.db
      .prepare(`INSERT INTO billing_groups (id, name, type, source, updated_ms) VALUES (?, ?, 'BILLING', 'local', ?)`)
      .run(id, name, nowMs);
  }

  rename(id: string, name: string, nowMs: number): void {
    this.db.prepare('UPDATE billing_groups SET name = ?, updated_ms = ? WHERE id = ?').run(name, nowMs, id);
  }

  isMember(email: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM members WHERE email = ?').get(email);
  }

  /** Moves a member to a group. One group per person: the membership row is replaced, never duplicated. */
  assign(email: string, groupId: string, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO group_members (email, group_id, joined_ms, source) VALUES (?, ?, ?, 'local')
       ON CONFLICT (email) DO UPDATE SET group_id = excluded.group_id, joined_ms = excluded.joined_ms, source = 'local'
       WHERE group_members.group_id <> excluded.group_id`,
      )
      .run(email, groupId, nowMs);
  }

  /** Every current member with their group's name (null when in none). */
  memberships(): MembershipRow[] {
    return this.db
      .prepare(
        `SELECT m.email, m.name, g.name AS g FROM members m LEFT JOIN group_members gm ON gm.email = m.email LEFT JOIN billing_groups g ON g.id = gm.group_id WHERE m.is_removed = 0`,
      )
      .all() as MembershipRow[];
  }

  /** Current members in a group, ordered for the backup CSV (group name, then email). */
  mapping(): { email: string; name: string; g: string }[] {
    return this.db
      .prepare(
        `SELECT m.email, m.name, g.name AS g FROM group_members gm JOIN members m ON m.email = gm.email JOIN billing_groups g ON g.id = gm.group_id
         WHERE m.is_removed = 0 ORDER BY lower(g.name), m.email`,
      )
      .all() as { email: string; name: string; g: string }[];
  }

  /** Group ids and names, newest id first. */
  idsNewestFirst(): { id: string; name: string }[] {
    return this.db.prepare('SELECT id, name FROM billing_groups ORDER BY id DESC').all() as {
      id: string;
      name: string;
    }[];
  }

  names(): string[] {
    return this.db.prepare('SELECT name FROM billing_groups').pluck().all() as string[];
  }
}
