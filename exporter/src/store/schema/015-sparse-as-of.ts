import type { Migration } from '../migrations';

/**
 * Sparse as-of totals: the tables of schema/013 and 014 keep the same names and columns but hold a row
 * only for a (key, day) whose figures changed that day, with the key's running totals through it, plus
 * one row per key at day '' (all zero) that lists the key (a partial index finds them in key order).
 * The dense slices copied every key's totals into each new day and added a past day's figures to every
 * later slice: seeding 10,000 people × 90 days took 53× as long as without the as-of tables, and a
 * collection window held the main thread for seconds. Now a write touches only its key's rows from its
 * day on (one row when days come in order); a window's totals per key are its latest row on or before
 * the last day minus its latest row before the first (store/as-of.ts, an index seek each).
 * usage_asof_days, activity_asof_days and daily_usage_asof_days still list the days with data.
 */
export interface AsOfTable {
  table: string;
  key: readonly string[];
  /** Running sums (after the key and day); REAL for requests, INTEGER otherwise. */
  sums: readonly string[];
  /** Also keeps last_active: the latest day on or before the row's day that added to the key. */
  lastActive?: boolean;
}

export const USER_ASOF: AsOfTable = {
  table: 'usage_user_asof',
  key: ['email'],
  sums: ['rows', 'events', 'requests', 'charged_micro', 'tokens', 'cache_read_tokens'],
};
export const PAIR_ASOF: AsOfTable = {
  table: 'usage_pair_asof',
  key: ['email', 'model'],
  sums: ['rows', 'requests', 'charged_micro'],
};
const ACTIVITY_ASOF: AsOfTable = {
  table: 'activity_asof',
  key: ['email', 'model'],
  sums: ['active_days', 'agent_requests', 'lines_added', 'accepts', 'applies'],
  lastActive: true,
};
const DAILY_USAGE_ASOF: AsOfTable = {
  table: 'daily_usage_asof',
  key: ['email'],
  sums: ['rows', 'active_days', 'agent_requests', 'accepts', 'applies'],
};

function create(t: AsOfTable): string {
  const sums = t.sums.map((c) => `${c} ${c === 'requests' ? 'REAL' : 'INTEGER'} NOT NULL DEFAULT 0`);
  return `
DROP TABLE ${t.table};
CREATE TABLE ${t.table} (
  ${[...t.key.map((k) => `${k} TEXT NOT NULL`), 'day TEXT NOT NULL', ...sums, ...(t.lastActive ? ['last_active TEXT'] : [])].join(',\n  ')},
  PRIMARY KEY (${t.key.join(', ')}, day)
) WITHOUT ROWID;
CREATE INDEX ${t.table}_keys ON ${t.table} (${t.key.join(', ')}) WHERE day = '';`;
}

/**
 * Fills `t` from `source`, a SELECT of at most one row per key and day with the key's columns, `day`
 * and one figure per sum: the keys' rows at day '', then each row's running totals.
 */
function build(t: AsOfTable, source: string): string {
  const k = t.key.join(', ');
  const w = `OVER (PARTITION BY ${k} ORDER BY day ROWS UNBOUNDED PRECEDING)`;
  return `
INSERT INTO ${t.table} (${k}, day) SELECT DISTINCT ${k}, '' FROM (${source});
INSERT INTO ${t.table} (${k}, day, ${t.sums.join(', ')}${t.lastActive ? ', last_active' : ''})
  SELECT ${k}, day, ${t.sums.map((c) => `SUM(${c}) ${w}`).join(', ')}${t.lastActive ? `, day` : ''}
  FROM (${source}) ORDER BY ${k}, day;`;
}

/**
 * The trigger statements that add `values` (one per sum) to the key `keyValues` on `day` (SQL
 * expressions of NEW or OLD; store/as-of.ts AsOfWriter does the same from JS): the key's row at day '' once, the day's
 * row as a copy of the key's latest row before it once, then the figures added to that row and to
 * the key's later rows. `lastActive`: also raise last_active to the day (an addition, not a removal).
 */
function addToTotals(
  t: AsOfTable,
  keyValues: readonly string[],
  day: string,
  values: readonly string[],
  lastActive = false,
): string[] {
  const k = t.key.join(', ');
  const ofKey = t.key.map((c, i) => `${c} = ${keyValues[i]}`).join(' AND ');
  const copied = [...t.sums, ...(t.lastActive ? ['last_active'] : [])].join(', ');
  const set = t.sums.map((c, i) => `${c} = ${c} + ${values[i]}`);
  if (lastActive) set.push(`last_active = MAX(COALESCE(last_active, ''), ${day})`);
  return [
    `INSERT INTO ${t.table} (${k}, day) VALUES (${keyValues.join(', ')}, '') ON CONFLICT DO NOTHING`,
    `INSERT INTO ${t.table} (${k}, day, ${copied}) SELECT ${k}, ${day}, ${copied} FROM ${t.table}
      WHERE ${ofKey} AND day < ${day} ORDER BY day DESC LIMIT 1 ON CONFLICT DO NOTHING`,
    `UPDATE ${t.table} SET ${set.join(', ')} WHERE ${ofKey} AND day >= ${day}`,
  ];
}

const steps = (list: string[]) => list.map((s) => `\n  ${s};`).join('');

/** Adds (sign '') or takes away (sign '-') the daily_usage row `row` (NEW or OLD) from activity_asof. */
function activity(row: 'NEW' | 'OLD', sign: '' | '-'): string {
  const values = [`${sign}1`, ...ACTIVITY_ASOF.sums.slice(1).map((c) => `${sign}${row}.${c}`)];
  const key = [`${row}.email`, `COALESCE(${row}.most_used_model, '')`];
  return steps([
    `INSERT INTO activity_asof_days (day) VALUES (${row}.day) ON CONFLICT DO NOTHING`,
    ...addToTotals(ACTIVITY_ASOF, key, `${row}.day`, values, sign === ''),
  ]);
}

/** After taking a row away: the key's latest active day in each of its rows from that day on, from daily_usage itself. */
const RECOMPUTE_LAST = `
  UPDATE activity_asof SET last_active = (SELECT MAX(t.day) FROM daily_usage t
      WHERE t.email = OLD.email AND t.is_active = 1 AND COALESCE(t.most_used_model, '') = activity_asof.model AND t.day <= activity_asof.day)
    WHERE email = OLD.email AND model = COALESCE(OLD.most_used_model, '') AND day >= OLD.day;`;

/** Adds or takes away the daily_usage row `row` from daily_usage_asof. */
function dailyUsage(row: 'NEW' | 'OLD', sign: '' | '-'): string {
  const values = [
    `${sign}1`,
    ...DAILY_USAGE_ASOF.sums.slice(1).map((c) => `${sign}${row}.${c === 'active_days' ? 'is_active' : c}`),
  ];
  return steps([
    `INSERT INTO daily_usage_asof_days (day) VALUES (${row}.day) ON CONFLICT DO NOTHING`,
    ...addToTotals(DAILY_USAGE_ASOF, [`${row}.email`], `${row}.day`, values),
  ]);
}

const ACTIVITY_CHANGED = `(OLD.day, OLD.email, OLD.is_active, OLD.agent_requests, OLD.lines_added, OLD.accepts, OLD.applies, OLD.most_used_model)
  IS NOT (NEW.day, NEW.email, NEW.is_active, NEW.agent_requests, NEW.lines_added, NEW.accepts, NEW.applies, NEW.most_used_model)`;
const DAILY_CHANGED = `(OLD.day, OLD.email, OLD.is_active, OLD.agent_requests, OLD.accepts, OLD.applies)
  IS NOT (NEW.day, NEW.email, NEW.is_active, NEW.agent_requests, NEW.accepts, NEW.applies)`;

// The triggers keep their schema/013 and 014 names; collection re-upserts recent days with the same
// figures, so only a real change touches the totals.
const TRIGGERS = `
DROP TRIGGER activity_asof_ins; DROP TRIGGER activity_asof_upd_old; DROP TRIGGER activity_asof_upd_new; DROP TRIGGER activity_asof_del;
DROP TRIGGER daily_usage_asof_ins; DROP TRIGGER daily_usage_asof_upd; DROP TRIGGER daily_usage_asof_del;
CREATE TRIGGER activity_asof_ins AFTER INSERT ON daily_usage WHEN NEW.is_active = 1 BEGIN ${activity('NEW', '')}
END;
CREATE TRIGGER activity_asof_upd_old AFTER UPDATE ON daily_usage WHEN OLD.is_active = 1 AND ${ACTIVITY_CHANGED} BEGIN ${activity('OLD', '-')}${RECOMPUTE_LAST}
END;
CREATE TRIGGER activity_asof_upd_new AFTER UPDATE ON daily_usage WHEN NEW.is_active = 1 AND ${ACTIVITY_CHANGED} BEGIN ${activity('NEW', '')}
END;
CREATE TRIGGER activity_asof_del AFTER DELETE ON daily_usage WHEN OLD.is_active = 1 BEGIN ${activity('OLD', '-')}${RECOMPUTE_LAST}
END;
CREATE TRIGGER daily_usage_asof_ins AFTER INSERT ON daily_usage BEGIN ${dailyUsage('NEW', '')}
END;
CREATE TRIGGER daily_usage_asof_upd AFTER UPDATE ON daily_usage WHEN ${DAILY_CHANGED} BEGIN ${dailyUsage('OLD', '-')}${dailyUsage('NEW', '')}
END;
CREATE TRIGGER daily_usage_asof_del AFTER DELETE ON daily_usage BEGIN ${dailyUsage('OLD', '-')}
END;
`;

export const sparseAsOf: Migration = {
  version: 15,
  name: 'sparse-as-of',
  sql: `${TRIGGERS}
${create(USER_ASOF)}
${build(
  USER_ASOF,
  `SELECT email, day, (SELECT COUNT(*) FROM usage_daily c WHERE c.day = u.day AND c.email = u.email) AS rows,
    events, requests, charged_micro, tokens, cache_read_tokens FROM usage_user_daily u`,
)}
${create(PAIR_ASOF)}
${build(PAIR_ASOF, 'SELECT email, model, day, 1 AS rows, requests, charged_micro FROM usage_daily')}
${create(ACTIVITY_ASOF)}
${build(
  ACTIVITY_ASOF,
  `SELECT email, COALESCE(most_used_model, '') AS model, day, 1 AS active_days, agent_requests, lines_added, accepts, applies
    FROM daily_usage WHERE is_active = 1`,
)}
${create(DAILY_USAGE_ASOF)}
${build(
  DAILY_USAGE_ASOF,
  'SELECT email, day, 1 AS rows, is_active AS active_days, agent_requests, accepts, applies FROM daily_usage',
)}
`,
};
