import type { BackupPreview } from '../schemas/groups';
import { BadInput } from '../domain/errors';
import { isEmail, parseCsv, requireColumns } from './csv';

export interface MemberGroup {
  name: string;
  group: string | null;
}

/**
 * Plans a backup restore (`email,name,group` as exported): every row whose group differs from the
 * member's current one is a change. Any bad row (no email, unknown member, empty group, duplicate)
 * rejects the whole file, listing every bad row, so a restore never half-applies.
 */
export function planBackup(csv: string, members: Map<string, MemberGroup>, existingGroups: Set<string>): BackupPreview {
  const { headers, rows } = parseCsv(csv);
  requireColumns(headers, ['email', 'group']);
  const bad: { row: number; reason: string }[] = [];
  const seen = new Set<string>();
  const changes: BackupPreview['changes'] = [];
  let unchanged = 0;
  for (const r of rows) {
    const email = r.cells.email.toLowerCase();
    const group = r.cells.group;
    if (!isEmail(email)) bad.push({ row: r.line, reason: `invalid email '${r.cells.email}'` });
    else if (!members.has(email)) bad.push({ row: r.line, reason: `unknown member '${email}'` });
    else if (seen.has(email)) bad.push({ row: r.line, reason: `duplicate row for '${email}'` });
    else if (group === '') bad.push({ row: r.line, reason: 'empty group' });
    else {
      const m = members.get(email)!;
      if (m.group === group) unchanged += 1;
      else changes.push({ email, name: m.name, current_group: m.group, new_group: group });
    }
    seen.add(email);
  }
  if (bad.length > 0) throw new BadInput('body.csv', `${bad.length} invalid row(s); nothing was applied`, bad);
  const newGroups = [...new Set(changes.map((c) => c.new_group))].filter((g) => !existingGroups.has(g)).sort();
  return { total_rows: rows.length, unchanged, changes, new_groups: newGroups };
}
