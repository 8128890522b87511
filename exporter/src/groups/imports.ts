import type { BackupPreview, HibobPreview } from '../schemas/groups';
import { BadInput } from '../domain/errors';
import { planBackup } from './backup';
import { planHibob } from './hibob';
import { applyMoves, currentGroups, type GroupStore } from './local-groups';

function existingGroupNames(store: GroupStore): Set<string> {
  return new Set(store.teamGroups.names());
}

export function previewBackup(store: GroupStore, csv: string): BackupPreview {
  return planBackup(csv, currentGroups(store), existingGroupNames(store));
}

export function previewHibob(store: GroupStore, csv: string): HibobPreview {
  return planHibob(csv, currentGroups(store), existingGroupNames(store));
}

/** The chosen subset of a plan's changes; an email that is not a planned change is a 400. */
function chosen<C extends { email: string; new_group: string }>(
  changes: C[],
  emails: string[] | undefined,
): { email: string; group: string }[] {
  if (emails === undefined) return changes.map((c) => ({ email: c.email, group: c.new_group }));
  const byEmail = new Map(changes.map((c) => [c.email, c]));
  const unknown = emails.filter((e) => !byEmail.has(e.toLowerCase()));
  if (unknown.length > 0)
    throw new BadInput(
      'body.emails',
      `not a planned change: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`,
    );
  return [...new Set(emails.map((e) => e.toLowerCase()))].map((e) => ({ email: e, group: byEmail.get(e)!.new_group }));
}

/**
 * Preview and apply share one planner over the same store state, inside one transaction: what the
 * preview showed is exactly what gets applied (for the chosen emails), and the response repeats it.
 */
export function applyBackup(store: GroupStore, csv: string, emails: string[] | undefined, nowMs: number) {
  return store.transaction(() => {
    const preview = previewBackup(store, csv);
    const { applied, created } = applyMoves(store, chosen(preview.changes, emails), nowMs);
    return { ...preview, applied, created_groups: created };
  });
}

export function applyHibob(store: GroupStore, csv: string, emails: string[] | undefined, nowMs: number) {
  return store.transaction(() => {
    const preview = previewHibob(store, csv);
    const { applied, created } = applyMoves(store, chosen(preview.changes, emails), nowMs);
    return { ...preview, applied, created_groups: created };
  });
}
