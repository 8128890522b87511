import type { Migration } from '../migrations';

/**
 * The 'directory' counter (`counters`, schema/020) moves on whenever what the team directory shows changes: a member's e-mail, name,
 * role or removal, a membership, a group's name (store/members.ts directory). Every collection
 * upserts the whole team and its groups, but a refreshed last-seen or joined time or a group's spend
 * changes no one's place in the directory, so the triggers fire only on a real change: the JSON API
 * keeps the directory it read (10,000 people, ~20 ms a read) across store generations until then.
 */
const bump = "UPDATE counters SET seq = seq + 1 WHERE name = 'directory';";
const changed = (cols: string[]) => cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
const watch = (table: string, cols: string[]) => `
CREATE TRIGGER ${table}_directory_ins AFTER INSERT ON ${table} BEGIN ${bump} END;
CREATE TRIGGER ${table}_directory_upd AFTER UPDATE ON ${table} WHEN ${changed(cols)} BEGIN ${bump} END;
CREATE TRIGGER ${table}_directory_del AFTER DELETE ON ${table} BEGIN ${bump} END;`;

export const directorySeq: Migration = {
  version: 21,
  name: 'directory-seq',
  sql: `
INSERT INTO counters (name, seq) VALUES ('directory', 1);
${watch('members', ['email', 'name', 'role', 'is_removed'])}
${watch('group_members', ['email', 'group_id'])}
${watch('billing_groups', ['id', 'name'])}`,
};
