import type { BurnRate, Forecast, Savings } from '../detect/types';
import { openDb, type Db } from '../store/db';
import { budgets, forecasts, savings } from './outputs';

// The detection run's stored outputs (detection_outputs) as API frames: filters, order, units.
const $ = (dollars: number) => dollars * 1e8;

const forecast = (subject: Forecast['subject'], email: string | null, total: number): Forecast => ({
  subject,
  email,
  groupId: null,
  groupName: null,
  cycleStartDay: '2026-05-01',
  cycleEndDay: '2026-05-31',
  asOfDay: '2026-05-19',
  daysElapsed: 19,
  daysTotal: 31,
  toDateMicro: $(total / 2),
  forecastMicro: $(total),
  lowMicro: $(total * 0.8),
  highMicro: $(total * 1.2),
  dailyRateMicro: $(1),
  includedMicro: subject === 'user' ? $(20) : null,
  exhaustionDay: email === 'ann@x.io' ? '2026-05-09' : null,
  exhausted: email === 'ann@x.io',
});

function seeded(): Db {
  const db = openDb(':memory:');
  const put = db.prepare('INSERT INTO detection_outputs (kind, run_id, value, updated_ms) VALUES (?, 1, ?, ?)');
  put.run(
    'forecasts',
    JSON.stringify([forecast('user', 'bob@x.io', 40), forecast('team', null, 500), forecast('user', 'ann@x.io', 90)]),
    1_000,
  );
  const burn: BurnRate = {
    subject: 'group',
    groupId: 'g1',
    groupName: 'Web',
    budgetMicro: $(100),
    cycleToDateMicro: $(70),
    budgetUsedRatio: 0.7,
    cycleElapsedRatio: 0.6,
    windows: [
      { window: '1h', spendMicro: 1, rate: 15 },
      { window: '1d', spendMicro: 2, rate: 1.5 },
    ],
    fastBurn: false,
    slowBurn: true,
  };
  put.run('burn', JSON.stringify([burn]), 2_000);
  const s: Savings = {
    cycleStartDay: '2026-05-01',
    teamMedianPerRequestMicro: $(0.04),
    teamP90PerRequestMicro: $(0.1),
    totalMicro: $(12),
    users: [
      {
        email: 'ann@x.io',
        groupId: 'g1',
        requests: 100,
        spendMicro: $(15),
        costPerRequestMicro: $(0.15),
        models: ['opus', 'gpt-5'],
        savingsMicro: $(11),
      },
      {
        email: 'bob@x.io',
        groupId: null,
        requests: 10,
        spendMicro: $(1.4),
        costPerRequestMicro: $(0.14),
        models: ['opus'],
        savingsMicro: $(1),
      },
    ],
  };
  put.run('savings', JSON.stringify(s), 3_000);
  return db;
}

describe('detection outputs', () => {
  it('forecasts: largest first, by subject, users limited to the selected people', () => {
    const db = seeded();
    expect(forecasts(db, undefined, null, 10).rows.map((r) => [r.subject, r.email, r.forecast_usd])).toEqual([
      ['team', null, 500],
      ['user', 'ann@x.io', 90],
      ['user', 'bob@x.io', 40],
    ]);
    const ann = forecasts(db, 'user', new Set(['ann@x.io']), 10);
    expect(ann.rows).toEqual([
      {
        subject: 'user',
        email: 'ann@x.io',
        group_id: null,
        group: null,
        to_date_usd: 45,
        forecast_usd: 90,
        low_usd: 72,
        high_usd: 108,
        daily_rate_usd: 1,
        included_usd: 20,
        exhaustion: Date.parse('2026-05-09T00:00:00Z'),
        exhausted: true,
        days_elapsed: 19,
        days_total: 31,
      },
    ]);
    expect(ann.meta).toEqual({ updated: 1_000 });
  });

  it('budgets: one rate column per window, null for a window the run did not compute', () => {
    const t = budgets(seeded());
    expect(t.rows).toEqual([
      {
        subject: 'group',
        group_id: 'g1',
        group: 'Web',
        budget_usd: 100,
        cycle_to_date_usd: 70,
        budget_used: 0.7,
        cycle_elapsed: 0.6,
        burn_1h: 15,
        burn_6h: null,
        burn_1d: 1.5,
        burn_3d: null,
        fast_burn: false,
        slow_burn: true,
      },
    ]);
    expect(t.meta).toEqual({ updated: 2_000 });
  });

  it('savings: the first `limit` users, models joined, team figures in meta', () => {
    const t = savings(seeded(), 1);
    expect(t.rows).toEqual([
      {
        email: 'ann@x.io',
        group_id: 'g1',
        requests: 100,
        spend_usd: 15,
        cost_per_request_usd: 0.15,
        models: 'opus, gpt-5',
        savings_usd: 11,
      },
    ]);
    expect(t.meta).toEqual({
      updated: 3_000,
      total_savings_usd: 12,
      team_median_cost_per_request_usd: 0.04,
      team_p90_cost_per_request_usd: 0.1,
    });
  });

  it('before the first detection run: empty frames, null meta', () => {
    const db = openDb(':memory:');
    expect(forecasts(db, undefined, null, 10)).toMatchObject({ rows: [], meta: { updated: null } });
    expect(budgets(db).rows).toEqual([]);
    expect(savings(db, 10).meta).toEqual({
      updated: null,
      total_savings_usd: null,
      team_median_cost_per_request_usd: null,
      team_p90_cost_per_request_usd: null,
    });
  });
});
