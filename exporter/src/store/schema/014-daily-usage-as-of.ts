import type { Migration } from '../migrations';
import { addToSlices, build } from './013-as-of-totals';

/**
 * daily_usage_asof: as-of totals (schema/013) of EVERY daily_usage row per person, active day or not:
 * rows, active days, agent requests, accepts, applies. The billing-cycle reads (store/cycle-usage.ts:
 * seats' activity, who had agent requests) ask these over the whole team for a cycle; two slices
 * instead of every person-day of it. Kept by triggers whoever writes daily_usage; built here from the
 * existing rows.
 */
const SUMS = ['rows', 'active_days', 'agent_requests', 'accepts', 'applies'];

function apply(row: 'NEW' | 'OLD', sign: '' | '-'): string {
  const values = [
    `${sign}1`,
    `${sign}${row}.is_active`,
    `${sign}${row}.agent_requests`,
    `${sign}${row}.accepts`,
    `${sign}${row}.applies`,
  ];
  return addToSlices(
    'daily_usage_asof',
    'daily_usage_asof_days',
    ['email', ...SUMS],
    row,
    ['email'],
    [`${row}.email`],
    SUMS,
    values,
  );
}

const CHANGED = `(OLD.day, OLD.email, OLD.is_active, OLD.agent_requests, OLD.accepts, OLD.applies)
  IS NOT (NEW.day, NEW.email, NEW.is_active, NEW.agent_requests, NEW.accepts, NEW.applies)`;

export const dailyUsageAsOf: Migration = {
  version: 14,
  name: 'daily-usage-as-of',
  sql: `
CREATE TABLE daily_usage_asof_days (day TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE daily_usage_asof (
  day TEXT NOT NULL,
  email TEXT NOT NULL,
  ${SUMS.map((c) => `${c} INTEGER NOT NULL DEFAULT 0`).join(',\n  ')},
  PRIMARY KEY (day, email)
) WITHOUT ROWID;
INSERT INTO daily_usage_asof_days (day) SELECT DISTINCT day FROM daily_usage;
${build(
  'daily_usage_asof',
  'daily_usage_asof_days',
  ['email'],
  'SELECT email, MIN(day) AS first FROM daily_usage GROUP BY email',
  'daily_usage',
  'x.email = k.email',
  {
    rows: 'CASE WHEN x.day IS NULL THEN 0 ELSE 1 END',
    active_days: 'x.is_active',
    agent_requests: 'x.agent_requests',
    accepts: 'x.accepts',
    applies: 'x.applies',
  },
)}
CREATE TRIGGER daily_usage_asof_ins AFTER INSERT ON daily_usage BEGIN ${apply('NEW', '')}
END;
-- Collection re-upserts recent days with the same figures: only a real change touches the slices.
CREATE TRIGGER daily_usage_asof_upd AFTER UPDATE ON daily_usage WHEN ${CHANGED} BEGIN ${apply('OLD', '-')}${apply('NEW', '')}
END;
CREATE TRIGGER daily_usage_asof_del AFTER DELETE ON daily_usage BEGIN ${apply('OLD', '-')}
END;
`,
};
