import type { Db } from '../store/db';
import { NotFound } from '../domain/errors';

/** A SQL condition plus its parameters, composable with AND. */
export interface Cond {
  sql: string;
  params: unknown[];
}

export const TRUE: Cond = { sql: '1', params: [] };

export function and(...conds: Cond[]): Cond {
  const real = conds.filter((c) => c.sql !== '1');
  if (real.length === 0) return TRUE;
  return { sql: real.map((c) => `(${c.sql})`).join(' AND '), params: real.flatMap((c) => c.params) };
}

/** Who a query is about: one member, a group, a parent (all `Parent > …` groups), or everyone. */
export interface PeopleFilter {
  user?: string;
  group?: string;
}

const PARENT = 'parent:';

/** Group ids a `group` filter selects; throws NotFound when it selects nothing. */
export function groupIds(db: Db, group: string): string[] {
  if (group.startsWith(PARENT)) {
    const parent = group.slice(PARENT.length);
    const ids = db
      .prepare(`SELECT id FROM billing_groups WHERE name = ? OR substr(name, 1, ?) = ? ORDER BY id`)
      .pluck()
      .all(parent, parent.length + 3, `${parent} > `) as string[];
    if (ids.length === 0) throw new NotFound('group', group);
    return ids;
  }
  if (!db.prepare('SELECT 1 FROM billing_groups WHERE id = ?').get(group)) throw new NotFound('group', group);
  return [group];
}

export function memberExists(db: Db, email: string): boolean {
  return db.prepare('SELECT 1 FROM members WHERE email = ?').get(email.toLowerCase()) !== undefined;
}

/** Condition on an email column for the people filter; unknown users and groups are NotFound. */
export function peopleCond(db: Db, f: PeopleFilter, column = 'email'): Cond {
  const conds: Cond[] = [];
  if (f.user !== undefined) {
    const email = f.user.toLowerCase();
    if (!memberExists(db, email)) throw new NotFound('user', f.user);
    conds.push({ sql: `${column} = ?`, params: [email] });
  }
  if (f.group !== undefined) {
    const ids = groupIds(db, f.group);
    conds.push({
      sql: `${column} IN (SELECT email FROM group_members WHERE group_id IN (${ids.map(() => '?').join(',')}))`,
      params: ids,
    });
  }
  return and(...conds);
}

/**
 * The emails the people filter selects (null = everyone), for figures read by person rather than in
 * SQL: the same people peopleCond selects (a user, the members of the groups, both when both).
 */
export function peopleSet(db: Db, f: PeopleFilter): Set<string> | null {
  if (!hasPeopleFilter(f)) return null;
  const c = peopleCond(db, f, 'e.email');
  return new Set(
    db
      .prepare(`SELECT e.email FROM (SELECT email FROM group_members UNION SELECT ?) e WHERE ${c.sql}`)
      .pluck()
      .all(f.user?.toLowerCase() ?? '', ...c.params) as string[],
  );
}

export function hasPeopleFilter(f: PeopleFilter): boolean {
  return f.user !== undefined || f.group !== undefined;
}
