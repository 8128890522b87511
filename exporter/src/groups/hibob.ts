import type { HibobPreview } from '../schemas/groups';
import { BadInput } from '../domain/errors';
import { isEmail, parseCsv, requireColumns } from './csv';
import type { MemberGroup } from './backup';

/** Teams smaller than this are merged (the reference's MIN_TEAM_SIZE). */
export const MIN_TEAM_SIZE = 3;
const GENERAL = 'General';
const SEP = ' > ';

interface Person {
  row: number;
  email: string;
  name: string;
  department: string;
  title: string;
  group: string;
  team: string;
}

/** `Parent > Team` from the HiBob fields, as the reference names them. */
export function groupKey(p: Pick<Person, 'department' | 'group' | 'team'>): string {
  if (p.group && p.team && p.group !== p.team) return `${p.group}${SEP}${p.team}`;
  if (p.group) return `${p.group}${SEP}${p.group}`;
  if (p.team) return `${p.department}${SEP}${p.team}`;
  return `${p.department}${SEP}${GENERAL}`;
}

const parentOf = (key: string) => key.split(SEP)[0];

/**
 * Merges teams under MIN_TEAM_SIZE, in the reference's order:
 *  1. pool each parent's small teams;
 *  2. a pool goes to the parent's only (big) sibling if the pool itself is small, else to an
 *     existing `Parent > General`, else it becomes `Parent > General`;
 *  3. a `Parent > General` still small joins its largest sibling;
 *  4. anything still small joins `General > General`.
 * Unlike the reference, `General > General` is kept even when it stays small (the reference deleted
 * it and silently dropped those people from the plan, seed.md §6).
 */
export function consolidate(assign: Map<string, string>): Map<string, string> {
  const out = new Map(assign);
  const sizes = () => {
    const s = new Map<string, string[]>();
    for (const [email, g] of out) s.set(g, [...(s.get(g) ?? []), email]);
    return s;
  };
  const move = (emails: string[], to: string) => emails.forEach((e) => out.set(e, to));

  let groups = sizes();
  const pools = new Map<string, string[]>();
  for (const [g, emails] of groups)
    if (emails.length < MIN_TEAM_SIZE) pools.set(parentOf(g), [...(pools.get(parentOf(g)) ?? []), ...emails]);
  for (const [parent, pool] of [...pools].sort((a, b) => a[0].localeCompare(b[0]))) {
    const siblings = [...groups]
      .filter(([g, es]) => parentOf(g) === parent && es.length >= MIN_TEAM_SIZE)
      .map(([g]) => g);
    const general = `${parent}${SEP}${GENERAL}`;
    if (siblings.length === 1 && pool.length < MIN_TEAM_SIZE) move(pool, siblings[0]);
    else move(pool, general);
  }
  groups = sizes();
  for (const [g, emails] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (!g.endsWith(`${SEP}${GENERAL}`) || emails.length >= MIN_TEAM_SIZE || g === `${GENERAL}${SEP}${GENERAL}`)
      continue;
    const siblings = [...sizes()]
      .filter(([s]) => s !== g && parentOf(s) === parentOf(g))
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    if (siblings.length > 0) move(emails, siblings[0][0]);
  }
  for (const [g, emails] of [...sizes()].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (emails.length < MIN_TEAM_SIZE && g !== `${GENERAL}${SEP}${GENERAL}`) move(emails, `${GENERAL}${SEP}${GENERAL}`);
  }
  return out;
}

function column(headers: string[], test: (h: string) => boolean): string | undefined {
  return headers.find(test);
}

/**
 * Plans a HiBob people-directory import. Required columns: email, department; optional group, team,
 * name ("name" or a header containing "display") and title ("title" or containing "job"). Only
 * non-removed members are matched (by lower-cased email); people not on the team are listed, and
 * team members missing from the file keep their group. Rows without an email or department, with a
 * malformed email, or repeating an email make the whole file invalid (nothing is applied).
 */
export function planHibob(csv: string, members: Map<string, MemberGroup>, existingGroups: Set<string>): HibobPreview {
  const { headers, rows } = parseCsv(csv);
  requireColumns(headers, ['email', 'department']);
  const nameCol = column(headers, (h) => h === 'name' || h.includes('display'));
  const titleCol = column(headers, (h) => h === 'title' || h.includes('job'));
  const hasGroup = headers.includes('group');
  const bad: { row: number; reason: string }[] = [];
  const people: Person[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const email = r.cells.email.toLowerCase();
    if (!isEmail(email)) bad.push({ row: r.line, reason: `invalid email '${r.cells.email}'` });
    else if (seen.has(email)) bad.push({ row: r.line, reason: `duplicate row for '${email}'` });
    else if (!r.cells.department) bad.push({ row: r.line, reason: 'empty department' });
    else {
      people.push({
        row: r.line,
        email,
        name: nameCol ? r.cells[nameCol] : '',
        department: r.cells.department,
        title: titleCol ? r.cells[titleCol] : '',
        group: hasGroup ? r.cells.group : '',
        team: r.cells.team ?? '',
      });
    }
    seen.add(email);
  }
  if (bad.length > 0) throw new BadInput('body.csv', `${bad.length} invalid row(s); nothing was applied`, bad);

  const matched = people.filter((p) => members.has(p.email));
  const plan = consolidate(new Map(matched.map((p) => [p.email, groupKey(p)])));
  const changes: HibobPreview['changes'] = [];
  for (const p of matched) {
    const m = members.get(p.email)!;
    const target = plan.get(p.email)!;
    if (m.group !== target)
      changes.push({
        email: p.email,
        name: m.name || p.name,
        department: p.department,
        title: p.title,
        current_group: m.group,
        new_group: target,
      });
  }
  const counts = new Map<string, number>();
  for (const g of plan.values()) counts.set(g, (counts.get(g) ?? 0) + 1);
  const inFile = new Set(people.map((p) => p.email));
  return {
    total_rows: rows.length,
    matched: matched.length,
    has_group_column: hasGroup,
    moves: changes.length,
    keeps: matched.length - changes.length,
    changes,
    groups: [...counts]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, n]) => ({ name, member_count: n, is_new: !existingGroups.has(name) })),
    unmatched_people: people
      .filter((p) => !members.has(p.email))
      .map((p) => ({ row: p.row, email: p.email, name: p.name })),
    unmatched_members: [...members]
      .filter(([e]) => !inFile.has(e))
      .map(([email, m]) => ({ email, name: m.name, current_group: m.group }))
      .sort((a, b) => a.email.localeCompare(b.email)),
  };
}
