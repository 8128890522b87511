import type { BackupPreview, HibobPreview } from '../schemas/groups';
import type { Db } from '../store/db';
import { BadInput } from '../queries/errors';
import { planBackup } from './backup';
import { planHibob } from './hibob';
import { applyMoves, currentGroups } from './repo';

function existingGroupNames(db: Db): Set<string> {
  return new Set(db.prepare('SELECT name FROM billing_groups').pluck().all() as string[]);
}

export function previewBackup(db: Db, csv: string): BackupPreview {
  return planBackup(csv, currentGroups(db), existingGroupNames(db));
}

export function previewHibob(db: Db, csv: string): HibobPreview {
  return planHibob(csv, currentGroups(db), existingGroupNames(db));
}

/** The chosen subset of a plan's changes; an email that is not a planned change is a 400. */
function chosen<C extends { email: string; new_group: string }>(changes: C[], emails: string[] | undefined): { email: string; group: string }[] {
  if (emails === undefined) return changes.map((c) => ({ email: c.email, group: c.new_group }));
  const byEmail = new Map(changes.map((c) => [c.email, c]));
  const unknown = emails.filter((e) => !byEmail.has(e.toLowerCase()));
  if (unknown.length > 0) throw new BadInput('body.emails', `not a planned change: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`);
  return [...new Set(emails.map((e) => e.toLowerCase()))].map((e) => ({ email: e, group: byEmail.get(e)!.new_group }));
}

/**
 * Preview and apply share one planner over the same store state, inside one transaction: what the
 * preview showed is exactly what gets applied (for the chosen emails), and the response repeats it.
 */
export function applyBackup(db: Db, csv: string, emails: string[] | undefined, nowMs: number) {
  return db.transaction(() => {
    const preview = previewBackup(db, csv);
    const { applied, created } = applyMoves(db, chosen(preview.changes, emails), nowMs);
    return { ...preview, applied, created_groups: created };
  })();
}

export function applyHibob(db: Db, csv: string, emails: string[] | undefined, nowMs: number) {
  return db.transaction(() => {
    const preview = previewHibob(db, csv);
    const { applied, created } = applyMoves(db, chosen(preview.changes, emails), nowMs);
    return { ...preview, applied, created_groups: created };
  })();
}
