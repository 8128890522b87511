import type { Migration } from '../migrations';

/**
 * usage_group_daily: usage_user_daily summed per (day, billing group), people without a group under
 * 'group_unassigned' — what the series by group reads instead of joining every person-day of the
 * window to group_members (about 250 ms cold at 10,000 people × 31 days). `rows` counts the
 * person-days summed, so a group whose people moved away (rows = 0) is told from one with zero usage.
 * The usage writer (store/usage-daily.ts) adds each window's person-days to their current group;
 * these triggers move a person's whole history when their membership changes, whoever writes it.
 */
const columns = ['rows', 'events', 'requests', 'charged_micro', 'tokens', 'cache_read_tokens'];

/** Adds (sign 1) or takes away (sign -1) every person-day of `email` to or from `group`. */
function move(email: string, group: string, sign: 1 | -1): string {
  const minus = sign < 0 ? '-' : '';
  return `INSERT INTO usage_group_daily (day, group_id, ${columns.join(', ')})
    SELECT day, ${group}, ${minus}1, ${columns
      .slice(1)
      .map((c) => `${minus}${c}`)
      .join(', ')} FROM usage_user_daily WHERE email = ${email}
    ON CONFLICT (day, group_id) DO UPDATE SET ${columns.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')};`;
}

const UNASSIGNED = `'group_unassigned'`;

export const usageGroupDaily: Migration = {
  version: 11,
  name: 'usage-group-daily',
  sql: `
CREATE TABLE usage_group_daily (
  day TEXT NOT NULL,
  group_id TEXT NOT NULL,
  rows INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0,
  requests REAL NOT NULL DEFAULT 0,
  charged_micro INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, group_id)
) WITHOUT ROWID;
INSERT INTO usage_group_daily (day, group_id, ${columns.join(', ')})
  SELECT u.day, COALESCE(gm.group_id, ${UNASSIGNED}), COUNT(*), SUM(u.events), SUM(u.requests), SUM(u.charged_micro), SUM(u.tokens), SUM(u.cache_read_tokens)
  FROM usage_user_daily u LEFT JOIN group_members gm ON gm.email = u.email GROUP BY 1, 2;
CREATE TRIGGER usage_group_daily_join AFTER INSERT ON group_members BEGIN
  ${move('NEW.email', UNASSIGNED, -1)}
  ${move('NEW.email', 'NEW.group_id', 1)}
END;
-- Cursor's groups are re-upserted on every collection (group_id = excluded.group_id): only a real change moves history.
CREATE TRIGGER usage_group_daily_move AFTER UPDATE OF email, group_id ON group_members
  WHEN OLD.email IS NOT NEW.email OR OLD.group_id IS NOT NEW.group_id BEGIN
  ${move('OLD.email', 'OLD.group_id', -1)}
  ${move('OLD.email', UNASSIGNED, 1)}
  ${move('NEW.email', UNASSIGNED, -1)}
  ${move('NEW.email', 'NEW.group_id', 1)}
END;
CREATE TRIGGER usage_group_daily_leave AFTER DELETE ON group_members BEGIN
  ${move('OLD.email', 'OLD.group_id', -1)}
  ${move('OLD.email', UNASSIGNED, 1)}
END;
`,
};
