import type { SeriesBy, SeriesMetric } from '../schemas/series';
import type { Frame } from '../schemas/common';
import { DAY_MS, dayStartMs } from '../domain/time';
import type { Db } from '../store/db';
import { col, frame, usd } from './frame';
import { and, hasPeopleFilter, peopleCond, peopleSet, TRUE, type Cond, type PeopleFilter } from './scope';
import type { Memo } from '../store/cycle-usage';
import { windowTotals } from './members';
import { firstSorted } from '../domain/first-sorted';
import { groupUsage, usageSource } from './usage-source';
import type { DayWindow } from './window';

export interface SeriesRequest extends PeopleFilter {
  metric: SeriesMetric;
  by: SeriesBy;
  window: DayWindow;
  intervalDays: number;
  limit: number;
  model?: string;
}

interface Sums {
  spend: number;
  requests: number;
  tokens: number;
}

const OTHER = 'other';

function value(metric: SeriesMetric, s: Sums): number | null {
  switch (metric) {
    case 'spend':
      return usd(s.spend);
    case 'requests':
      return s.requests;
    case 'tokens':
      return s.tokens;
    case 'cost_per_request':
      return s.requests === 0 ? null : usd(s.spend) / s.requests;
  }
}

const UNITS: Record<SeriesMetric, string> = {
  spend: 'currencyUSD',
  requests: 'short',
  tokens: 'short',
  cost_per_request: 'currencyUSD',
};

/**
 * Wide time series: one `time` column (bucket start, epoch ms) and one column per series. Buckets
 * start at `from`'s day and are `intervalDays` wide; empty buckets are 0 (null for $/request).
 * by user/group/model keeps the top `limit` series by total spend (by requests/tokens for those
 * metrics) and sums the rest into "other", so a 10,000-person team still draws a readable chart.
 */
export function series(db: Db, req: SeriesRequest, memo?: Memo): Frame {
  const { window } = req;
  const people = peopleCond(db, req, 'u.email');
  const modelCond: Cond = req.model === undefined ? TRUE : { sql: 'u.model = ?', params: [req.model] };
  // Whole groups read the group rollup; a people or model filter needs each person's rows.
  const grouped = req.by === 'group' && !hasPeopleFilter(req) && req.model === undefined;
  const src = grouped
    ? groupUsage
    : usageSource({
        model: req.by === 'model' || req.model !== undefined,
        email: req.by === 'user' || req.by === 'group' || hasPeopleFilter(req),
      });
  const keyExpr = {
    team: `'team'`,
    user: 'u.email',
    model: 'u.model',
    group: grouped ? 'u.group_id' : `COALESCE(gm.group_id, 'group_unassigned')`,
  }[req.by];
  const join = req.by === 'group' && !grouped ? 'LEFT JOIN group_members gm ON gm.email = u.email' : '';
  const where = and(
    { sql: 'u.day BETWEEN ? AND ?', params: [window.fromDay, window.toDay] },
    grouped ? { sql: 'u.rows > 0', params: [] } : TRUE,
    people,
    modelCond,
  );
  const rankExpr = req.metric === 'requests' ? src.requests : req.metric === 'tokens' ? src.tokens : src.spend;
  const from = `FROM ${src.table} u ${join} WHERE ${where.sql}`;
  const buckets = Math.ceil(window.days / req.intervalDays);
  const startMs = dayStartMs(window.fromDay);
  const bucketOf = (day: string) => Math.floor((dayStartMs(day) - startMs) / DAY_MS / req.intervalDays);
  const daily = (extra: Cond) =>
    db
      .prepare(
        `SELECT ${keyExpr} AS k, u.day AS day, ${src.spend} AS spend, ${src.requests} AS requests, ${src.tokens} AS tokens ${from} AND ${extra.sql} GROUP BY k, u.day`,
      )
      .all(...where.params, ...extra.params) as ({ k: string; day: string } & Sums)[];
  const rankOf = (s: Sums) => (req.metric === 'requests' ? s.requests : req.metric === 'tokens' ? s.tokens : s.spend);
  let top: string[];
  let rows: ({ k: string; day: string } & Sums)[];
  let rest: Sums[] | null = null;
  if (req.by === 'user') {
    // Top keys first (one aggregate in SQL), then daily rows for those keys only: by=user on a large
    // team would otherwise ship every person-day to JS. "other" = the per-day total minus the top keys.
    const ranked = rankUsers(
      db,
      req,
      `SELECT ${keyExpr} AS k, ${rankExpr} AS t ${from} GROUP BY k`,
      where.params,
      memo,
    );
    top = ranked.slice(0, req.limit);
    rows = daily({ sql: `${keyExpr} IN (${top.map(() => '?').join(',') || "''"})`, params: top });
    if (ranked.length > top.length) {
      rest = empty(buckets);
      // Per-day totals need no person unless people are filtered: the smallest rollup answers them.
      const t = usageSource({ model: req.model !== undefined, email: hasPeopleFilter(req) });
      const totals = db
        .prepare(
          `SELECT u.day AS day, ${t.spend} AS spend, ${t.requests} AS requests, ${t.tokens} AS tokens FROM ${t.table} u WHERE ${where.sql} GROUP BY u.day`,
        )
        .all(...where.params) as ({ day: string } & Sums)[];
      for (const t of totals) add(rest[bucketOf(t.day)], t);
    }
  } else {
    // Teams, groups and models are few: one pass for every key and day, ranked here, instead of
    // three scans of the window (ranking, top keys' days, per-day totals).
    rows = daily(TRUE);
    const totals = new Map<string, Sums>();
    for (const r of rows) add(totals.get(r.k) ?? totals.set(r.k, { spend: 0, requests: 0, tokens: 0 }).get(r.k)!, r);
    const ranked = [...totals].sort(([a, x], [b, y]) => rankOf(y) - rankOf(x) || (a < b ? -1 : 1)).map(([k]) => k);
    top = req.by === 'team' ? ['team'] : ranked.slice(0, req.limit);
    if (ranked.length > top.length) {
      rest = empty(buckets);
      for (const r of rows) add(rest[bucketOf(r.day)], r);
    }
  }
  const perKey = new Map<string, Sums[]>(top.map((k) => [k, empty(buckets)]));
  for (const r of rows) {
    const sums = perKey.get(r.k);
    if (sums) add(sums[bucketOf(r.day)], r);
  }
  const names = labels(db, req.by, top);
  const shown: [string, Sums[]][] = top.map((k) => [names.get(k) ?? k, perKey.get(k)!]);
  if (rest) {
    for (const [, sums] of shown)
      sums.forEach((x, i) => add(rest[i], { spend: -x.spend, requests: -x.requests, tokens: -x.tokens }));
    shown.push([OTHER, rest]);
  }
  const columns = [col.time(), ...shown.map(([name]) => col.num(name, UNITS[req.metric]))];
  const out = Array.from({ length: buckets }, (_, i) => {
    const row: Record<string, number | null> = { time: startMs + i * req.intervalDays * DAY_MS };
    for (const [name, sums] of shown) row[name] = value(req.metric, sums[i]);
    return row;
  });
  return frame(columns, out);
}

/**
 * The top `limit` + 1 people of the window by the metric (ties by email). Without a model filter, from
 * the window's usage per person (its day packs summed) rather than every person-day; `grouped` is the
 * SELECT over person-days that answers it otherwise (with a model filter).
 */
function rankUsers(db: Db, req: SeriesRequest, grouped: string, params: unknown[], memo?: Memo): string[] {
  if (req.model !== undefined)
    return db
      .prepare(`${grouped} ORDER BY t DESC, k LIMIT ?`)
      .pluck()
      .all(...params, req.limit + 1) as string[];
  // The window's totals per person the members table and top spenders read too (shared within a
  // store generation), restricted to the people filter and ranked here.
  const t = windowTotals(db, req.window, undefined, memo);
  const value = req.metric === 'requests' ? t.requests : req.metric === 'tokens' ? t.tokens : t.spendMicro;
  const selected = peopleSet(db, req);
  const spent = [...t.emails.keys()].filter((i) => t.days[i] > 0 && (selected === null || selected.has(t.emails[i])));
  return firstSorted(spent, req.limit + 1, (a, b) => value[b] - value[a] || (t.emails[a] < t.emails[b] ? -1 : 1)).map(
    (i) => t.emails[i],
  );
}

function add(into: Sums, s: Sums): void {
  into.spend += s.spend;
  into.requests += s.requests;
  into.tokens += s.tokens;
}

function empty(n: number): Sums[] {
  return Array.from({ length: n }, () => ({ spend: 0, requests: 0, tokens: 0 }));
}

/** Series are labelled by what a person reads: names for groups, emails for users, ids otherwise. */
function labels(db: Db, by: SeriesBy, keys: string[]): Map<string, string> {
  const m = new Map<string, string>();
  if (by !== 'group' || keys.length === 0) return m;
  const rows = db
    .prepare(`SELECT id, name FROM billing_groups WHERE id IN (${keys.map(() => '?').join(',')})`)
    .all(...keys) as { id: string; name: string }[];
  const used = new Set<string>();
  // Two groups may share a name; a column name must be unique, so the later one gets its id.
  for (const r of rows) {
    const label = used.has(r.name) ? `${r.name} (${r.id})` : r.name;
    used.add(label);
    m.set(r.id, label);
  }
  if (!m.has('group_unassigned')) m.set('group_unassigned', 'Unassigned');
  return m;
}
