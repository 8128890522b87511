import type { Frame } from '../schemas/common';
import type { AnalyticsView } from '../schemas/tables';
import { dayStartMs } from '../domain/time';
import type { Db } from '../store/db';
import { col, frame } from './frame';
import type { DayWindow } from './window';

/**
 * Team analytics from analytics_rows (one row per endpoint, day, key; numeric fields as JSON named
 * like the Cursor API's snake_case fields). Each view is one frame.
 */
interface Row {
  day: string;
  key: string;
  data: string;
}

function rows(db: Db, endpoint: string, w: DayWindow): { day: string; key: string; v: Record<string, number> }[] {
  return (
    db
      .prepare('SELECT day, key, data FROM analytics_rows WHERE endpoint = ? AND day BETWEEN ? AND ? ORDER BY day, key')
      .all(endpoint, w.fromDay, w.toDay) as Row[]
  ).map((r) => ({ day: r.day, key: r.key, v: JSON.parse(r.data) as Record<string, number> }));
}

const n = (x: number | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

function timeSeries(db: Db, endpoint: string, w: DayWindow, fields: string[]): Frame {
  return frame(
    [col.time(), ...fields.map((f) => col.num(f))],
    rows(db, endpoint, w).map((r) => ({
      time: dayStartMs(r.day),
      ...Object.fromEntries(fields.map((f) => [f, n(r.v[f])])),
    })),
  );
}

/** Sums one field per key over the window, largest first. */
function totals(
  db: Db,
  endpoint: string,
  w: DayWindow,
  field: string,
  mergeKey: (k: string) => string = (k) => k,
): [string, number][] {
  const m = new Map<string, number>();
  for (const r of rows(db, endpoint, w)) m.set(mergeKey(r.key), (m.get(mergeKey(r.key)) ?? 0) + n(r.v[field]));
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Numeric-aware version order: 1.10.0 after 1.9.3. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number(x));
  const pb = b.split(/[.-]/).map((x) => Number(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (Number.isNaN(pa[i]) ? -1 : (pa[i] ?? -1)) - (Number.isNaN(pb[i]) ? -1 : (pb[i] ?? -1));
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

export function analytics(db: Db, view: AnalyticsView, w: DayWindow, limit: number): Frame {
  switch (view) {
    case 'dau':
      return timeSeries(db, 'dau', w, ['dau', 'cli_dau', 'cloud_agent_dau', 'bugbot_dau']);
    case 'agent-edits':
      return timeSeries(db, 'agent-edits', w, [
        'total_suggested_diffs',
        'total_accepted_diffs',
        'total_rejected_diffs',
        'total_lines_suggested',
        'total_lines_accepted',
      ]);
    case 'tabs':
      return timeSeries(db, 'tabs', w, [
        'total_suggestions',
        'total_accepts',
        'total_rejects',
        'total_lines_suggested',
        'total_lines_accepted',
      ]);
    case 'models': {
      const all = rows(db, 'models', w);
      const per = new Map<string, { messages: number; users: number }>();
      for (const r of all) {
        const m = per.get(r.key) ?? { messages: 0, users: 0 };
        m.messages += n(r.v.messages);
        m.users = Math.max(m.users, n(r.v.users)); // the largest daily user count, as the reference shows
        per.set(r.key, m);
      }
      const total = [...per.values()].reduce((s, m) => s + m.messages, 0);
      const list = [...per.entries()]
        .sort((a, b) => b[1].messages - a[1].messages || a[0].localeCompare(b[0]))
        .slice(0, limit);
      return frame(
        [col.str('model'), col.num('messages'), col.num('users'), col.num('share', 'percentunit')],
        list.map(([model, m]) => ({
          model,
          messages: m.messages,
          users: m.users,
          share: total > 0 ? m.messages / total : null,
        })),
      );
    }
    case 'model-adoption': {
      // Share of messages per day for the top 5 models of the window plus "other" (wide frame).
      const all = rows(db, 'models', w);
      const top = totals(db, 'models', w, 'messages')
        .slice(0, 5)
        .map(([k]) => k);
      const days = new Map<string, Record<string, number>>();
      for (const r of all) {
        const d = days.get(r.day) ?? {};
        const k = top.includes(r.key) ? r.key : 'other';
        d[k] = (d[k] ?? 0) + n(r.v.messages);
        days.set(r.day, d);
      }
      const names = [...top, 'other'];
      return frame(
        [col.time(), ...names.map((k) => col.num(k, 'percentunit'))],
        [...days.entries()].map(([day, d]) => {
          const sum = names.reduce((s, k) => s + (d[k] ?? 0), 0);
          return {
            time: dayStartMs(day),
            ...Object.fromEntries(names.map((k) => [k, sum > 0 ? (d[k] ?? 0) / sum : 0])),
          };
        }),
      );
    }
    case 'mcp':
      return frame(
        [col.str('server'), col.str('tool'), col.num('calls')],
        totals(db, 'mcp', w, 'usage')
          .slice(0, limit)
          .map(([key, calls]) => {
            const slash = key.indexOf('/');
            return {
              server: slash < 0 ? '' : key.slice(0, slash),
              tool: slash < 0 ? key : key.slice(slash + 1),
              calls,
            };
          }),
      );
    case 'commands':
      // The reference merges "foo.md" with "foo" (the same command invoked from a rules file).
      return frame(
        [col.str('command'), col.num('usage')],
        totals(db, 'commands', w, 'usage', (k) => k.replace(/\.md$/, ''))
          .slice(0, limit)
          .map(([command, usage]) => ({ command, usage })),
      );
    case 'file-extensions': {
      const files = new Map(totals(db, 'top-file-extensions', w, 'total_files'));
      return frame(
        [col.str('extension'), col.num('lines_accepted'), col.num('files')],
        totals(db, 'top-file-extensions', w, 'total_lines_accepted')
          .slice(0, limit)
          .map(([extension, lines]) => ({ extension, lines_accepted: lines, files: files.get(extension) ?? 0 })),
      );
    }
    case 'client-versions': {
      // The latest day of the window says who runs what now; the highest version is "latest".
      const all = rows(db, 'client-versions', w);
      const last = all.length ? all[all.length - 1].day : null;
      const today = all.filter((r) => r.day === last);
      const newest = today
        .map((r) => r.key)
        .sort(compareVersions)
        .pop();
      const list = today
        .sort((a, b) => n(b.v.user_count) - n(a.v.user_count) || compareVersions(b.key, a.key))
        .slice(0, limit);
      return frame(
        [col.str('version'), col.num('users'), col.num('share', 'percentunit'), col.bool('latest')],
        list.map((r) => ({
          version: r.key,
          users: n(r.v.user_count),
          share: n(r.v.percentage),
          latest: r.key === newest,
        })),
      );
    }
    default:
      throw new Error(`unhandled analytics view ${view satisfies never}`);
  }
}
