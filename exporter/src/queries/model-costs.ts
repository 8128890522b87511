import type { FrameWithMeta } from '../schemas/common';
import type { Memo } from '../store/cycle-usage';
import type { Db } from '../store/db';
import { col, usd } from './frame';
import { usageWindow } from '../store/usage-day-packs';
import { peopleSet, type PeopleFilter } from './scope';
import type { DayWindow } from './window';
import { median } from '../detect/stats';
import { firstSorted } from '../domain/first-sorted';

interface UserModel {
  email: string;
  model: string;
  spend: number;
  requests: number;
}

/**
 * Each (person, model) with usage_daily rows in the window, in (email, model) order: the window's day
 * packs summed (store/usage-day-packs.ts, shared with the members table), and the team median $/request over them. `memo` shares them between the model and the person × model tables (read, never changed).
 */
function userModels(
  db: Db,
  window: DayWindow,
  f: PeopleFilter,
  memo: Memo = (_k, c) => c(),
): { rows: UserModel[]; med: number } {
  return memo(
    `user-models:${window.fromDay}:${window.toDay}:${JSON.stringify([f.user ?? null, f.group ?? null])}`,
    () => {
      const rows = readUserModels(db, window, f, memo);
      return { rows, med: teamMedianPerRequest(rows) };
    },
  );
}

function readUserModels(db: Db, window: DayWindow, f: PeopleFilter, memo: Memo): UserModel[] {
  // No names here: only the rows a page shows need one (see userModelCosts), not every (person, model) pair.
  const pairs = usageWindow(db, window.fromDay, window.toDay, memo).pairs();
  const selected = peopleSet(db, f);
  return selected === null ? pairs : pairs.filter((p) => selected.has(p.email));
}

/**
 * Team median $/request: the median over people of their own spend ÷ requests in the window (people
 * with requests only). A person-level median is what "you pay more per request than most" means.
 */
function teamMedianPerRequest(rows: UserModel[]): number {
  const per = new Map<string, { s: number; r: number }>();
  for (const r of rows) {
    const p = per.get(r.email) ?? { s: 0, r: 0 };
    p.s += r.spend;
    p.r += r.requests;
    per.set(r.email, p);
  }
  return median([...per.values()].filter((p) => p.r > 0).map((p) => p.s / p.r)) ?? 0;
}

/**
 * Model cost comparison, one row per model: $/request, relative to the cheapest model (the
 * reference's "Relative" column) and to the team median, plus users, requests and spend.
 */
export function modelCosts(db: Db, window: DayWindow, f: PeopleFilter, memo?: Memo): FrameWithMeta {
  const { rows, med } = userModels(db, window, f, memo);
  const models = new Map<string, { users: number; spend: number; requests: number }>();
  for (const r of rows) {
    const m = models.get(r.model) ?? { users: 0, spend: 0, requests: 0 };
    m.users += 1;
    m.spend += r.spend;
    m.requests += r.requests;
    models.set(r.model, m);
  }
  const perReq = [...models.values()].filter((m) => m.requests > 0).map((m) => m.spend / m.requests);
  const cheapest = perReq.length ? Math.min(...perReq) : 0;
  const list = [...models.entries()].sort((a, b) => b[1].spend - a[1].spend || a[0].localeCompare(b[0]));
  return {
    columns: [
      col.str('model'),
      col.num('users'),
      col.num('requests'),
      col.usd('spend_usd'),
      col.usd('cost_per_request_usd'),
      col.num('relative'),
      col.num('vs_team_median'),
    ],
    rows: list.map(([model, m]) => {
      const pr = m.requests > 0 ? m.spend / m.requests : null;
      return {
        model,
        users: m.users,
        requests: m.requests,
        spend_usd: usd(m.spend),
        cost_per_request_usd: pr === null ? null : usd(pr),
        relative: pr === null || cheapest <= 0 ? null : pr / cheapest,
        vs_team_median: pr === null || med <= 0 ? null : pr / med,
      };
    }),
    meta: { team_median_cost_per_request_usd: usd(med) },
  };
}

/**
 * Users × models: each person's $/request on each model against the team median, and the savings
 * estimate = what they would have saved paying the median for the same requests (0 when cheaper).
 * meta.total_savings_usd sums it. Sorted by savings, largest first.
 */
export function userModelCosts(db: Db, window: DayWindow, f: PeopleFilter, limit: number, memo?: Memo): FrameWithMeta {
  const { rows, med } = userModels(db, window, f, memo);
  // Each row's savings once, not once per comparison; only the page is sorted.
  const keyed = rows.map((r) => ({ r, savings: med > 0 ? Math.max(0, r.spend - r.requests * med) : 0 }));
  const total = keyed.reduce((s, x) => s + x.savings, 0);
  const page = firstSorted(
    keyed,
    limit,
    (a, b) =>
      b.savings - a.savings ||
      b.r.spend - a.r.spend ||
      a.r.email.localeCompare(b.r.email) ||
      a.r.model.localeCompare(b.r.model),
  );
  const name = db.prepare('SELECT name FROM members WHERE email = ?').pluck();
  return {
    columns: [
      col.str('email'),
      col.str('name'),
      col.str('model'),
      col.num('requests'),
      col.usd('spend_usd'),
      col.usd('cost_per_request_usd'),
      col.num('vs_team_median'),
      col.usd('savings_usd'),
    ],
    rows: page.map(({ r, savings }) => ({
      email: r.email,
      name: (name.get(r.email) as string | undefined) ?? r.email,
      model: r.model,
      requests: r.requests,
      spend_usd: usd(r.spend),
      cost_per_request_usd: r.requests > 0 ? usd(r.spend / r.requests) : null,
      vs_team_median: r.requests > 0 && med > 0 ? r.spend / r.requests / med : null,
      savings_usd: usd(Math.round(savings)),
    })),
    meta: { team_median_cost_per_request_usd: usd(med), total_savings_usd: usd(Math.round(total)) },
  };
}
