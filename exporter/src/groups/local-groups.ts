import { randomUUID } from 'node:crypto';
import { BadInput, NotFound } from '../domain/errors';
import type { Store } from '../store';
import { toCsv } from './csv';

/** What group management needs of the store: the groups, and a transaction around several moves. */
export type GroupStore = Pick<Store, 'teamGroups' | 'transaction'>;

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
export function listGroups(store: GroupStore, q?: string): GroupView[] {
  const groups = store.teamGroups.list();
  const members = store.teamGroups.membersWithSpend();
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
      (g) =>
        !needle ||
        g.name.toLowerCase().includes(needle) ||
        g.members.some((m) => m.email.includes(needle) || m.name.toLowerCase().includes(needle)),
    );
}

function requireGroup(store: GroupStore, id: string): void {
  if (!store.teamGroups.exists(id)) throw new NotFound('group', id);
}

/** Names are unique (case and surrounding spaces aside): the CSV backup and HiBob imports key groups by name. */
function requireFreeName(store: GroupStore, name: string, exceptId: string | null): void {
  const clash = store.teamGroups.nameTaken(name, exceptId);
  if (clash) throw new BadInput('body.name', `a group named '${clash.name}' already exists (${clash.id})`);
}

/** Local groups live only here (source 'local'); nothing is pushed to Cursor. */
export function createGroup(store: GroupStore, name: string, nowMs: number): string {
  requireFreeName(store, name, null);
  const id = `local_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  store.teamGroups.insertLocal(id, name.trim(), nowMs);
  return id;
}

export function renameGroup(store: GroupStore, id: string, name: string, nowMs: number): void {
  requireGroup(store, id);
  requireFreeName(store, name, id);
  store.teamGroups.rename(id, name.trim(), nowMs);
}

/** Moves a member to a group. One group per person: the membership row is replaced, never duplicated. */
export function assignMember(store: GroupStore, email: string, groupId: string, nowMs: number): void {
  requireGroup(store, groupId);
  const e = email.toLowerCase();
  if (!store.teamGroups.isMember(e)) throw new NotFound('user', email);
  store.teamGroups.assign(e, groupId, nowMs);
}

/** Current group name per member email (non-removed members only). */
export function currentGroups(store: GroupStore): Map<string, { name: string; group: string | null }> {
  return new Map(store.teamGroups.memberships().map((r) => [r.email, { name: r.name, group: r.g }]));
}

/**
 * Applies planned moves (email → group NAME) in one transaction: a name that matches an existing
 * group reuses it (the oldest id), any other name becomes a new local group.
 */
export function applyMoves(
  store: GroupStore,
  moves: { email: string; group: string }[],
  nowMs: number,
): { applied: number; created: string[] } {
  const created: string[] = [];
  store.transaction(() => {
    const byName = new Map<string, string>();
    for (const r of store.teamGroups.idsNewestFirst()) byName.set(r.name, r.id);
    for (const m of moves) {
      let id = byName.get(m.group);
      if (id === undefined) {
        id = createGroup(store, m.group, nowMs);
        byName.set(m.group, id);
        created.push(m.group);
      }
      assignMember(store, m.email, id, nowMs);
    }
  });
  return { applied: moves.length, created };
}

/** Backup export: `email,name,group`, one row per current membership. */
export function exportCsv(store: GroupStore): string {
  return toCsv(
    ['email', 'name', 'group'],
    store.teamGroups.mapping().map((r) => [r.email, r.name, r.g]),
  );
}
