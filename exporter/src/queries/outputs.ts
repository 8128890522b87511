import type { FrameWithMeta } from '../schemas/common';
import type { BurnRate, Forecast, Savings } from '../detect/types';
import { dayStartMs } from '../domain/time';
import type { Db } from '../store/db';
import { col, usd } from './frame';

/** The latest detection run's forecasts, burn rates or savings (detection_outputs), or null before the first run. */
function output<T>(db: Db, kind: 'forecasts' | 'burn' | 'savings'): { value: T; updatedMs: number } | null {
  const r = db.prepare('SELECT value, updated_ms FROM detection_outputs WHERE kind = ?').get(kind) as
    { value: string; updated_ms: number } | undefined;
  return r ? { value: JSON.parse(r.value) as T, updatedMs: r.updated_ms } : null;
}

/** Cycle-end spend forecasts (team, groups, users), as computed by the last detection run. */
export function forecasts(
  db: Db,
  subject: 'team' | 'group' | 'user' | undefined,
  emails: Set<string> | null,
  limit: number,
): FrameWithMeta {
  const out = output<Forecast[]>(db, 'forecasts');
  const list = (out?.value ?? [])
    .filter(
      (f) =>
        (subject === undefined || f.subject === subject) &&
        (emails === null || f.subject !== 'user' || (f.email !== null && emails.has(f.email))),
    )
    .sort((a, b) => b.forecastMicro - a.forecastMicro)
    .slice(0, limit);
  return {
    columns: [
      col.str('subject'),
      col.str('email'),
      col.str('group_id'),
      col.str('group'),
      col.usd('to_date_usd'),
      col.usd('forecast_usd'),
      col.usd('low_usd'),
      col.usd('high_usd'),
      col.usd('daily_rate_usd'),
      col.usd('included_usd'),
      col.time('exhaustion'),
      col.bool('exhausted'),
      col.num('days_elapsed'),
      col.num('days_total'),
    ],
    rows: list.map((f) => ({
      subject: f.subject,
      email: f.email,
      group_id: f.groupId,
      group: f.groupName,
      to_date_usd: usd(f.toDateMicro),
      forecast_usd: usd(f.forecastMicro),
      low_usd: usd(f.lowMicro),
      high_usd: usd(f.highMicro),
      daily_rate_usd: usd(f.dailyRateMicro),
      included_usd: f.includedMicro === null ? null : usd(f.includedMicro),
      exhaustion: f.exhaustionDay === null ? null : dayStartMs(f.exhaustionDay),
      exhausted: f.exhausted,
      days_elapsed: f.daysElapsed,
      days_total: f.daysTotal,
    })),
    meta: { updated: out?.updatedMs ?? null },
  };
}

/** Budgets with their use and SLO-style burn rates per window (team and groups with a budget). */
export function budgets(db: Db): FrameWithMeta {
  const out = output<BurnRate[]>(db, 'burn');
  const windows = ['1h', '6h', '1d', '3d'];
  return {
    columns: [
      col.str('subject'),
      col.str('group_id'),
      col.str('group'),
      col.usd('budget_usd'),
      col.usd('cycle_to_date_usd'),
      col.num('budget_used', 'percentunit'),
      col.num('cycle_elapsed', 'percentunit'),
      ...windows.map((w) => col.num(`burn_${w}`)),
      col.bool('fast_burn'),
      col.bool('slow_burn'),
    ],
    rows: (out?.value ?? []).map((b) => ({
      subject: b.subject,
      group_id: b.groupId,
      group: b.groupName,
      budget_usd: usd(b.budgetMicro),
      cycle_to_date_usd: usd(b.cycleToDateMicro),
      budget_used: b.budgetUsedRatio,
      cycle_elapsed: b.cycleElapsedRatio,
      ...Object.fromEntries(windows.map((w) => [`burn_${w}`, b.windows.find((x) => x.window === w)?.rate ?? null])),
      fast_burn: b.fastBurn,
      slow_burn: b.slowBurn,
    })),
    meta: { updated: out?.updatedMs ?? null },
  };
}

/** Model-switch savings for the cycle (users above the team p90 $/request), from the last detection run. */
export function savings(db: Db, limit: number): FrameWithMeta {
  const out = output<Savings>(db, 'savings');
  const s = out?.value;
  return {
    columns: [
      col.str('email'),
      col.str('group_id'),
      col.num('requests'),
      col.usd('spend_usd'),
      col.usd('cost_per_request_usd'),
      col.str('models'),
      col.usd('savings_usd'),
    ],
    rows: (s?.users ?? []).slice(0, limit).map((u) => ({
      email: u.email,
      group_id: u.groupId,
      requests: u.requests,
      spend_usd: usd(u.spendMicro),
      cost_per_request_usd: usd(u.costPerRequestMicro),
      models: u.models.join(', '),
      savings_usd: usd(u.savingsMicro),
    })),
    meta: {
      updated: out?.updatedMs ?? null,
      total_savings_usd: s ? usd(s.totalMicro) : null,
      team_median_cost_per_request_usd: s ? usd(s.teamMedianPerRequestMicro) : null,
      team_p90_cost_per_request_usd: s ? usd(s.teamP90PerRequestMicro) : null,
    },
  };
}
