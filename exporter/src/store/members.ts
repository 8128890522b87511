import type { Member } from '../domain/records';
import type { Db } from './db';

/** A member as the team directory shows them: [email, name, role, group id, group name, removed (1) or not (0)]. */
export type DirectoryRow = [string, string, string, string | null, string | null, number];

interface Directory {
  seq: number;
  rows: DirectoryRow[];
  names?: Map<string, string>;
  seats?: Set<string>;
}
/** The directory each connection read last, under the 'directory' counter it read it at (schema/021). */
const directoryByDb = new WeakMap<Db, Directory>();

export interface MemberRow extends Member {
  firstSeenMs: number;
  lastSeenMs: number;
}

/** The team as Cursor lists it (members). */
export class MembersRepo {
  constructor(private readonly db: Db) {}

  /**
   * Upserts the team as Cursor lists it now: first_seen is kept, everything else refreshed. Members
   * that no longer appear are marked removed (Cursor usually lists removed members with isRemoved,
   * but a member deleted outright simply vanishes). An empty list is treated as a glitch and removes
   * nobody. Returns the rows written and how many were newly marked removed.
   */
  upsert(members: Member[], nowMs: number): { written: number; removed: number } {
    const { db } = this;
    const upsert = db.prepare(
      `INSERT INTO members (email, user_id, name, role, is_removed, first_seen_ms, last_seen_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(email) DO UPDATE SET user_id = COALESCE(excluded.user_id, members.user_id), name = excluded.name,
         role = excluded.role, is_removed = excluded.is_removed, last_seen_ms = excluded.last_seen_ms`,
    );
    const markRemoved = db.prepare('UPDATE members SET is_removed = 1 WHERE email = ? AND is_removed = 0');
    return db.transaction(() => {
      const seen = new Set<string>();
      for (const m of members) {
        upsert.run(m.email, m.userId, m.name, m.role, m.isRemoved ? 1 : 0, nowMs, nowMs);
        seen.add(m.email);
      }
      let removed = 0;
      if (seen.size > 0) {
        const known = db.prepare('SELECT email FROM members').pluck().all() as string[];
        for (const email of known) if (!seen.has(email)) removed += markRemoved.run(email).changes;
      }
      return { written: members.length, removed };
    })();
  }

  /**
   * Everyone in members with their group, in e-mail order: read once per change of the directory
   * (schema/021) and kept per connection across store generations, so shared and read only. The
   * number is read first: a change landing meanwhile leaves rows newer than it, read again next time.
   */
  directory(): readonly DirectoryRow[] {
    return this.kept().rows;
  }

  /** Every member's name by e-mail (see directory). */
  names(): ReadonlyMap<string, string> {
    const d = this.kept();
    return (d.names ??= new Map(d.rows.map((r) => [r[0], r[1]])));
  }

  /** The current (not removed) members' e-mails: the seats (see directory). */
  seated(): ReadonlySet<string> {
    const d = this.kept();
    return (d.seats ??= new Set(d.rows.flatMap((r) => (r[5] === 0 ? [r[0]] : []))));
  }

  private kept(): Directory {
    const seq = this.db.prepare("SELECT seq FROM counters WHERE name = 'directory'").pluck().get() as number;
    let d = directoryByDb.get(this.db);
    if (d?.seq !== seq) {
      const rows = this.db
        .prepare(
          `SELECT m.email, m.name, m.role, gm.group_id, g.name, m.is_removed FROM members m
           LEFT JOIN group_members gm ON gm.email = m.email LEFT JOIN billing_groups g ON g.id = gm.group_id
           ORDER BY m.email`,
        )
        .raw()
        .all() as DirectoryRow[];
      directoryByDb.set(this.db, (d = { seq, rows }));
    }
    return d;
  }

  list(): MemberRow[] {
    const rows = this.db
      .prepare(
        `SELECT email, user_id AS userId, name, role, is_removed AS isRemoved, first_seen_ms AS firstSeenMs,
                last_seen_ms AS lastSeenMs FROM members ORDER BY email`,
      )
      .all() as (Omit<MemberRow, 'isRemoved'> & { isRemoved: number })[];
    return rows.map((r) => ({ ...r, isRemoved: r.isRemoved === 1 }));
  }

  /** Current (not removed) members per role. */
  countByRole(): { role: string; n: number }[] {
    return this.db.prepare('SELECT role, COUNT(*) AS n FROM members WHERE is_removed = 0 GROUP BY role').all() as {
      role: string;
      n: number;
    }[];
  }

  /**
   * Current members by seat activity (daily_usage is_active): active on a day from `sinceDay` on,
   * active only before it, or never active on record.
   */
  seats(sinceDay: string): { active: number; inactive: number; never: number } {
    return this.db
      .prepare(
        `SELECT COALESCE(SUM(recent), 0) AS active,
                COALESCE(SUM(ever AND NOT recent), 0) AS inactive,
                COALESCE(SUM(NOT ever), 0) AS never
           FROM (SELECT EXISTS(SELECT 1 FROM daily_usage d WHERE d.email = m.email AND d.is_active = 1 AND d.day >= ?) AS recent,
                        EXISTS(SELECT 1 FROM daily_usage d WHERE d.email = m.email AND d.is_active = 1) AS ever
                   FROM members m WHERE m.is_removed = 0)`,
      )
      .get(sinceDay) as { active: number; inactive: number; never: number };
  }
}
