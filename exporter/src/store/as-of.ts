import type { Db } from './db';

/**
 * Window totals from the as-of tables (schema/013, sparse since schema/015): a key's running totals
 * through the window's last day minus its running totals through the day before the window. A key has
 * a row only on the days its figures changed, so "through day D" is its latest row on or before D, and
 * a row at day '' (all zero) that lists it. Read by the JSON API's activity figures (queries/) and the
 * billing-cycle reads (cycle-usage.ts).
 */
export interface AsOfWindow {
  /** The latest day with data before the window (null: nothing before it). */
  lo: string | null;
  /** The latest day with data through the window's last day. */
  hi: string;
}

type Days = 'activity_asof_days' | 'daily_usage_asof_days';

/** The two days with data that bound the days `w.fromDay`…`w.toDay`; null when no data falls inside them. */
export function asOfWindow(db: Db, days: Days, w: { fromDay: string; toDay: string }): AsOfWindow | null {
  const before = db.prepare(`SELECT MAX(day) FROM ${days} WHERE day < ?`).pluck();
  const lo = before.get(w.fromDay) as string | null;
  const hi = db.prepare(`SELECT MAX(day) FROM ${days} WHERE day <= ?`).pluck().get(w.toDay) as string | null;
  return hi === null || hi === lo ? null : { lo, hi };
}

/**
 * `SELECT` of the window's differences of `table`, one row per key with data through the window's last
 * day, in key order: `b` is the key's row through the window, `a` its row through the day before (the
 * zero row at day '' when it has none). Each key's difference of column c is `b.c - a.c` (see `diff`).
 * Four index seeks per key (its latest row before each bound, then that row). Bind the result's
 * parameters as [...bounds(w), ...the caller's].
 */
export function windowRows(table: string, key: string[], select: string, where = ''): string {
  const latest = (alias: string, upTo: string) =>
    `${key.map((k) => `${alias}.${k} = k.${k}`).join(' AND ')} AND ${alias}.day = (SELECT x.day FROM ${table} x
      WHERE ${key.map((k) => `x.${k} = k.${k}`).join(' AND ')} AND ${upTo} ORDER BY x.day DESC LIMIT 1)`;
  return `SELECT ${select} FROM ${table} k
    JOIN ${table} b ON ${latest('b', "x.day > '' AND x.day <= ?")}
    JOIN ${table} a ON ${latest('a', 'x.day <= ?')}
    WHERE k.day = ''${where ? ` AND ${where}` : ''}`;
}

/** The window's difference of column `c` (see windowRows). */
export const diff = (c: string) => `b.${c} - a.${c}`;

/** windowRows' leading parameters. */
export const bounds = (w: AsOfWindow) => [w.hi, w.lo ?? ''];
