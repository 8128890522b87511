import type { Migration } from '../migrations';

/**
 * As-of totals: every person's running totals through each day that has data, so the totals of any
 * [from, to] window are one row minus another, and a window over the whole team is two slices of
 * the table (one per person, or per person and model) instead of every person-day inside it (about
 * 230,000 rows at 10,000 people × 31 days). The JSON API's whole-team tables read them (queries/as-of.ts).
 *
 * A day D of a table holds a row for everyone with data on or before D (a day's slice is created by
 * copying the slice before it, then adding D's figures; figures added to an earlier day are added to
 * every later slice too). Days without data have no slice: their totals are those of the day with
 * data before them (usage_asof_days / activity_asof_days list the days that have one).
 * - usage_user_asof, usage_pair_asof: usage_daily's, kept by its writer (store/usage-daily.ts);
 *   `rows` grows on each day a usage_daily row is added (by at least one per row), so a window's
 *   difference is > 0 exactly when it holds rows: someone with zero-cost rows is told from someone absent.
 * - activity_asof: daily_usage's ACTIVE days per (person, most-used model, '' for none), kept by the
 *   triggers below whoever writes daily_usage; last_active = the latest active day on or before D.
 * Built here from the existing rows, so an existing database upgrades.
 */
const USAGE = `
CREATE TABLE usage_asof_days (day TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE usage_user_asof (
  day TEXT NOT NULL,
  email TEXT NOT NULL,
  rows INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0,
  requests REAL NOT NULL DEFAULT 0,
  charged_micro INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, email)
) WITHOUT ROWID;
CREATE TABLE usage_pair_asof (
  day TEXT NOT NULL,
  email TEXT NOT NULL,
  model TEXT NOT NULL,
  rows INTEGER NOT NULL DEFAULT 0,
  requests REAL NOT NULL DEFAULT 0,
  charged_micro INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, email, model)
) WITHOUT ROWID;
INSERT INTO usage_asof_days (day) SELECT DISTINCT day FROM usage_daily;
`;

const ACTIVITY_SUMS = ['active_days', 'agent_requests', 'lines_added', 'accepts', 'applies'] as const;

const ACTIVITY = `
CREATE TABLE activity_asof_days (day TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE activity_asof (
  day TEXT NOT NULL,
  email TEXT NOT NULL,
  model TEXT NOT NULL,
  ${ACTIVITY_SUMS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')},
  last_active TEXT,
  PRIMARY KEY (day, email, model)
) WITHOUT ROWID;
INSERT INTO activity_asof_days (day) SELECT DISTINCT day FROM daily_usage WHERE is_active = 1;
`;

/**
 * Fills `table` with every key × every listed day from the key's first: its running totals through
 * that day. `keys` lists each key with its first day; `daily` (alias x) is the key's row of a day,
 * joined by `on` (primary-key lookups); `values` are the per-day figures summed (NULL = no row).
 */
export function build(
  table: string,
  days: string,
  key: string[],
  keys: string,
  daily: string,
  on: string,
  values: Record<string, string>,
): string {
  const k = key.map((c) => `k.${c}`).join(', ');
  const running = Object.values(values).map((v) =>
    v === 'x.day' ? 'MAX(x.day) OVER w' : `COALESCE(SUM(${v}) OVER w, 0)`,
  );
  return `
INSERT INTO ${table} (day, ${key.join(', ')}, ${Object.keys(values).join(', ')})
  SELECT d.day, ${k}, ${running.join(', ')}
  FROM (${keys}) k
  JOIN ${days} d ON d.day >= k.first
  LEFT JOIN ${daily} x ON x.day = d.day AND ${on}
  WINDOW w AS (PARTITION BY ${k} ORDER BY d.day ROWS UNBOUNDED PRECEDING)
  ORDER BY d.day, ${k};`;
}

const USER_BUILD = build(
  'usage_user_asof',
  'usage_asof_days',
  ['email'],
  'SELECT email, MIN(day) AS first FROM usage_user_daily GROUP BY email',
  'usage_user_daily',
  'x.email = k.email',
  {
    rows: '(SELECT COUNT(*) FROM usage_daily c WHERE c.day = x.day AND c.email = x.email)',
    events: 'x.events',
    requests: 'x.requests',
    charged_micro: 'x.charged_micro',
    tokens: 'x.tokens',
    cache_read_tokens: 'x.cache_read_tokens',
  },
);

const PAIR_BUILD = build(
  'usage_pair_asof',
  'usage_asof_days',
  ['email', 'model'],
  'SELECT email, model, MIN(day) AS first FROM usage_daily GROUP BY email, model',
  'usage_daily',
  'x.email = k.email AND x.model = k.model',
  { rows: 'CASE WHEN x.day IS NULL THEN 0 ELSE 1 END', requests: 'x.requests', charged_micro: 'x.charged_micro' },
);

const ACTIVITY_BUILD = build(
  'activity_asof',
  'activity_asof_days',
  ['email', 'model'],
  `SELECT email, COALESCE(most_used_model, '') AS model, MIN(day) AS first FROM daily_usage WHERE is_active = 1 GROUP BY 1, 2`,
  'daily_usage',
  `x.email = k.email AND x.is_active = 1 AND COALESCE(x.most_used_model, '') = k.model`,
  {
    active_days: 'CASE WHEN x.day IS NULL THEN 0 ELSE 1 END',
    ...Object.fromEntries(ACTIVITY_SUMS.slice(1).map((c) => [c, `x.${c}`])),
    last_active: 'x.day',
  },
);

/**
 * Trigger SQL: makes sure day `row`.day has its slice in `table` (a copy of the slice before it, once),
 * then adds `values` (one per column of `sums`) to the key `keyValues` in that slice and every later one;
 * `extra` is any further SET of the upsert. `columns` are the table's columns but day.
 */
export function addToSlices(
  table: string,
  days: string,
  columns: string[],
  row: 'NEW' | 'OLD',
  key: string[],
  keyValues: string[],
  sums: string[],
  values: string[],
  extra = '',
): string {
  return `
  INSERT INTO ${table} (day, ${columns.join(', ')})
    SELECT ${row}.day, ${columns.join(', ')} FROM ${table}
    -- The slice to copy is NULL (nothing to copy) once the day has its own: no walk over a slice per row.
    WHERE day = (SELECT MAX(day) FROM ${days} WHERE day < ${row}.day
      AND NOT EXISTS (SELECT 1 FROM ${days} WHERE day = ${row}.day));
  INSERT INTO ${days} (day) SELECT ${row}.day WHERE NOT EXISTS (SELECT 1 FROM ${days} WHERE day = ${row}.day);
  INSERT INTO ${table} (day, ${[...key, ...sums].join(', ')}${extra ? ', last_active' : ''})
    SELECT d.day, ${[...keyValues, ...values].join(', ')}${extra ? `, ${row}.day` : ''}
    FROM ${days} d WHERE d.day >= ${row}.day
    ON CONFLICT (day, ${key.join(', ')}) DO UPDATE SET ${sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}${extra ? `, ${extra}` : ''};`;
}

/** Adds (sign '') or takes away (sign '-') the daily_usage row `row` (NEW or OLD) in every slice from its day on. */
function applyActivity(row: 'NEW' | 'OLD', sign: '' | '-'): string {
  const values = [`${sign}1`, ...ACTIVITY_SUMS.slice(1).map((c) => `${sign}${row}.${c}`)];
  return addToSlices(
    'activity_asof',
    'activity_asof_days',
    ['email', 'model', ...ACTIVITY_SUMS, 'last_active'],
    row,
    ['email', 'model'],
    [`${row}.email`, `COALESCE(${row}.most_used_model, '')`],
    [...ACTIVITY_SUMS],
    values,
    sign ? '' : `last_active = MAX(COALESCE(last_active, ''), excluded.last_active)`,
  );
}

/** After taking a row away: the latest active day of its (person, model) in every slice from its day on, from daily_usage itself. */
const RECOMPUTE_LAST = `
  UPDATE activity_asof SET last_active = (SELECT MAX(t.day) FROM daily_usage t
      WHERE t.email = OLD.email AND t.is_active = 1 AND COALESCE(t.most_used_model, '') = activity_asof.model AND t.day <= activity_asof.day)
    WHERE day IN (SELECT day FROM activity_asof_days WHERE day >= OLD.day) AND email = OLD.email AND model = COALESCE(OLD.most_used_model, '');`;

const CHANGED = `(OLD.day, OLD.email, OLD.is_active, OLD.agent_requests, OLD.lines_added, OLD.accepts, OLD.applies, OLD.most_used_model)
  IS NOT (NEW.day, NEW.email, NEW.is_active, NEW.agent_requests, NEW.lines_added, NEW.accepts, NEW.applies, NEW.most_used_model)`;

const TRIGGERS = `
CREATE TRIGGER activity_asof_ins AFTER INSERT ON daily_usage WHEN NEW.is_active = 1 BEGIN ${applyActivity('NEW', '')}
END;
-- Collection re-upserts recent days with the same figures: only a real change touches the slices.
CREATE TRIGGER activity_asof_upd_old AFTER UPDATE ON daily_usage WHEN OLD.is_active = 1 AND ${CHANGED} BEGIN ${applyActivity('OLD', '-')}${RECOMPUTE_LAST}
END;
CREATE TRIGGER activity_asof_upd_new AFTER UPDATE ON daily_usage WHEN NEW.is_active = 1 AND ${CHANGED} BEGIN ${applyActivity('NEW', '')}
END;
CREATE TRIGGER activity_asof_del AFTER DELETE ON daily_usage WHEN OLD.is_active = 1 BEGIN ${applyActivity('OLD', '-')}${RECOMPUTE_LAST}
END;
`;

export const asOfTotals: Migration = {
  version: 13,
  name: 'as-of-totals',
  sql: `${USAGE}${USER_BUILD}${PAIR_BUILD}${ACTIVITY}${ACTIVITY_BUILD}${TRIGGERS}`,
};
