import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db';
import { BadInput, NotFound } from '../queries/errors';
import { toCsv } from './csv';

export interface GroupView {
  id: string;
  name: string;
  source: string;
  member_count: number;
  spend_usd: number;
  members: { email: string; name: string }[];
}

/**
 * Billing groups with their current members and spend. Spend is the members' billed total in the
 * latest spend snapshot, so local groups and synced ones are measured the same way.
 */
export function listGroups(db: Db, q?: string): GroupView[] {
  const groups = db.prepare('SELECT id, name, source FROM billing_groups ORDER BY lower(name), id').all() as { id: string; name: string; source: string }[];
  const members = db
    .prepare(
      `SELECT gm.group_id AS gid, m.email, m.name, COALESCE(s.total_micro, 0) AS spend
       FROM group_members gm JOIN members m ON m.email = gm.email AND m.is_removed = 0
       LEFT JOIN spend_snapshots s ON s.email = m.email AND s.cycle_start_ms = (SELECT MAX(cycle_start_ms) FROM spend_snapshots)
       ORDER BY lower(m.name), m.email`,
    )
    .all() as { gid: string; email: string; name: string; spend: number }[];
  const byGroup = new Map<string, typeof members>();
  for (const m of members) byGroup.set(m.gid, [...(byGroup.get(m.gid) ?? []), m]);
  const needle = q?.trim().toLowerCase();
  return groups
    .map((g) => {
      const ms = byGroup.get(g.id) ?? [];
      return {
        ...g,
        member_count: ms.length,
        spend_usd: ms.reduce((s, m) => s + m.spend, 0) / 100_000_000,
        members: ms.map(({ email, name }) => ({ email, name })),
      };
    })
    .filter(
      (g) => !needle || g.name.toLowerCase().includes(needle) || g.members.some((m) => m.email.includes(needle) || m.name.toLowerCase().includes(needle)),
    );
}

function requireGroup(db: Db, id: string): void {
  if (!db.prepare('SELECT 1 FROM billing_groups WHERE id = ?').get(id)) throw new NotFound('group', id);
}

/** Names are unique (case and surrounding spaces aside): the CSV backup and HiBob imports key groups by name. */
function requireFreeName(db: Db, name: string, exceptId: string | null): void {
  const clash = db
    .prepare('SELECT id, name FROM billing_groups WHERE lower(trim(name)) = lower(trim(?)) AND id IS NOT ?')
    .get(name, exceptId) as { id: string; name: string } | undefined;
  if (clash) throw new BadInput('body.name', `a group named '${clash.name}' already exists (${clash.id})`);
}

/** Local groups live only here (source 'local'); nothing is pushed to Cursor. */
export function createGroup(db: Db, name: string, nowMs: number): string {
  requireFreeName(db, name, null);
  const id = `local_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  db.prepare(`INSERT INTO billing_groups (id, name, type, source, updated_ms) VALUES (?, ?, 'BILLING', 'local', ?)`).run(id, name.trim(), nowMs);
  return id;
}

export function renameGroup(db: Db, id: string, name: string, nowMs: number): void {
  requireGroup(db, id);
  requireFreeName(db, name, id);
  db.prepare('UPDATE billing_groups SET name = ?, updated_ms = ? WHERE id = ?').run(name.trim(), nowMs, id);
}

/** Moves a member to a group. One group per person: the membership row is replaced, never duplicated. */
export function assignMember(db: Db, email: string, groupId: string, nowMs: number): void {
  requireGroup(db, groupId);
  const e = email.toLowerCase();
  if (!db.prepare('SELECT 1 FROM members WHERE email = ?').get(e)) throw new NotFound('user', email);
  db.prepare(
    `INSERT INTO group_members (email, group_id, joined_ms, source) VALUES (?, ?, ?, 'local')
     ON CONFLICT (email) DO UPDATE SET group_id = excluded.group_id, joined_ms = excluded.joined_ms, source = 'local'
     WHERE group_members.group_id <> excluded.group_id`,
  ).run(e, groupId, nowMs);
}

/** Current group name per member email (non-removed members only). */
export function currentGroups(db: Db): Map<string, { name: string; group: string | null }> {
  const rows = db
    .prepare(`SELECT m.email, m.name, g.name AS g FROM members m LEFT JOIN group_members gm ON gm.email = m.email LEFT JOIN billing_groups g ON g.id = gm.group_id WHERE m.is_removed = 0`)
    .all() as { email: string; name: string; g: string | null }[];
  return new Map(rows.map((r) => [r.email, { name: r.name, group: r.g }]));
}

/**
 * Applies planned moves (email → group NAME) in one transaction: a name that matches an existing
 * group reuses it (the oldest id), any other name becomes a new local group.
 */
export function applyMoves(db: Db, moves: { email: string; group: string }[], nowMs: number): { applied: number; created: string[] } {
  const created: string[] = [];
  db.transaction(() => {
    const byName = new Map<string, string>();
    for (const r of db.prepare('SELECT id, name FROM billing_groups ORDER BY id DESC').all() as { id: string; name: string }[]) byName.set(r.name, r.id);
    for (const m of moves) {
      let id = byName.get(m.group);
      if (id === undefined) {
        id = createGroup(db, m.group, nowMs);
        byName.set(m.group, id);
        created.push(m.group);
      }
      assignMember(db, m.email, id, nowMs);
    }
  })();
  return { applied: moves.length, created };
}

/** Backup export: `email,name,group`, one row per current membership. */
export function exportCsv(db: Db): string {
  const rows = db
    .prepare(
      `SELECT m.email, m.name, g.name AS g FROM group_members gm JOIN members m ON m.email = gm.email JOIN billing_groups g ON g.id = gm.group_id
       WHERE m.is_removed = 0 ORDER BY lower(g.name), m.email`,
    )
    .all() as { email: string; name: string; g: string }[];
  return toCsv(['email', 'name', 'group'], rows.map((r) => [r.email, r.name, r.g]));
}
