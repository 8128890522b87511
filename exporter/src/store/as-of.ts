import type { Db } from './db';

/**
 * Window totals from the as-of tables (schema/013): a row's totals through the window's last day
 * minus its totals through the day before the window. Each table keeps one slice per day with data;
 * a day without one reads the slice before it. Read by the JSON API's whole-team tables (queries/)
 * and the billing-cycle reads (cycle-usage.ts).
 */
export interface AsOfWindow {
  /** The slice holding the totals before the window (null: nothing before it). */
  lo: string | null;
  /** The slice holding the totals through the window's last day. */
  hi: string;
}

type Days = 'usage_asof_days' | 'activity_asof_days' | 'daily_usage_asof_days';

/** The two slices that bound the days `w.fromDay`…`w.toDay`; null when no data falls inside them. */
export function asOfWindow(db: Db, days: Days, w: { fromDay: string; toDay: string }): AsOfWindow | null {
  const before = db.prepare(`SELECT MAX(day) FROM ${days} WHERE day < ?`).pluck();
  const lo = before.get(w.fromDay) as string | null;
  const hi = db.prepare(`SELECT MAX(day) FROM ${days} WHERE day <= ?`).pluck().get(w.toDay) as string | null;
  return hi === null || hi === lo ? null : { lo, hi };
}

/**
 * `SELECT` of the window's differences of `table`: `b` is the later slice, `a` the earlier one
 * (absent for keys new in the window). Each key's difference of column c is `b.c - COALESCE(a.c, 0)`
 * (see `diff`). Bind the result's parameters as [lo, hi, ...the caller's].
 */
export function windowRows(table: string, key: string[], select: string, where = ''): string {
  const on = key.map((k) => `a.${k} = b.${k}`).join(' AND ');
  return `SELECT ${select} FROM ${table} b LEFT JOIN ${table} a ON a.day = ? AND ${on} WHERE b.day = ?${where ? ` AND ${where}` : ''}`;
}

/** The window's difference of column `c` (see windowRows). */
export const diff = (c: string) => `b.${c} - COALESCE(a.${c}, 0)`;

/** windowRows' leading parameters. */
export const bounds = (w: AsOfWindow) => [w.lo, w.hi];
