import type { BurnRate, Forecast, Savings } from '../detect/types';
import { dayStartMs, HOUR_MS } from '../domain/time';
import { openDb, type Db } from '../store/db';
import { Store } from '../store';
import { GroupsRepo } from '../store/groups';
import {
  binaryAvailable,
  parseExposition,
  promtoolCheckMetrics,
  PROMTOOL_BIN,
  sampleValue,
  type Sample,
} from '../../../test/helpers/prometheus';
import { createMetricsService } from './service';

const NOW = dayStartMs('2026-03-10');

function seed(db: Db): void {
  new GroupsRepo(db).save(
    {
      groups: [
        {
          id: 'group_eng',
          name: 'Eng',
          type: 'BILLING',
          directoryGroupId: null,
          memberCount: 1,
          spendMicro: 0,
          currentMembers: [
            { userId: null, email: 'alice@acme.dev', name: 'A', joinedAtMs: null, leftAtMs: null, spendMicro: 0 },
          ],
          formerMembers: [],
          dailySpend: [],
        },
      ],
      cycle: { startMs: dayStartMs('2026-03-01'), endMs: dayStartMs('2026-04-01') },
    },
    NOW,
  );
  db.prepare("INSERT INTO detection_runs (as_of_ms, started_ms, ended_ms, status) VALUES (?, ?, ?, 'ok')").run(
    NOW,
    NOW - 2500,
    NOW,
  );
  const sig = db.prepare(
    'INSERT INTO signals (detector, subject_key, email, group_id, value, threshold, run_id) VALUES (?, ?, ?, ?, ?, ?, 1)',
  );
  sig.run('zscore', 'alice@acme.dev', 'alice@acme.dev', null, 3.1, 2.5);
  sig.run('spend_spike', 'alice@acme.dev', 'alice@acme.dev', null, 4.2, 5);
  sig.run('budget_burn', 'group_eng', null, 'group_eng', 2, 1);
  const inc = db.prepare(
    `INSERT INTO incidents (key, detector, severity, subject, email, group_id, group_name, day, message, value, threshold, unit, status,
       onset_ms, detected_ms, alerted_ms, acknowledged_ms, resolved_ms, first_run, last_seen_run, updated_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, '2026-03-09', 'm', 1, 1, 'usd', ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  // open, alerted: onset 1 h before detection
  inc.run(
    'zscore:alice',
    'zscore',
    'warning',
    'user',
    'alice@acme.dev',
    null,
    null,
    'alerted',
    NOW - 2 * HOUR_MS,
    NOW - HOUR_MS,
    NOW - HOUR_MS + 60_000,
    null,
    null,
    1,
    NOW,
  );
  // resolved: onset 3 h before detection, acked 10 min after alert, resolved 2 h after detection
  inc.run(
    'spike:alice',
    'spend_spike',
    'critical',
    'user',
    'alice@acme.dev',
    null,
    null,
    'resolved',
    NOW - 8 * HOUR_MS,
    NOW - 5 * HOUR_MS,
    NOW - 5 * HOUR_MS,
    NOW - 5 * HOUR_MS + 600_000,
    NOW - 3 * HOUR_MS,
    1,
    NOW,
  );
  inc.run(
    'budget:eng',
    'team_budget',
    'critical',
    'group',
    null,
    'group_eng',
    'Eng',
    'detected',
    NOW - 2 * HOUR_MS,
    NOW - HOUR_MS,
    null,
    null,
    null,
    1,
    NOW,
  );

  const forecasts: Forecast[] = [
    {
      subject: 'user',
      email: 'alice@acme.dev',
      groupId: 'group_eng',
      groupName: 'Eng',
      cycleStartDay: '2026-03-01',
      cycleEndDay: '2026-03-31',
      asOfDay: '2026-03-09',
      daysElapsed: 9,
      daysTotal: 31,
      toDateMicro: 9e8,
      forecastMicro: 31e8,
      lowMicro: 25e8,
      highMicro: 40e8,
      dailyRateMicro: 1e8,
      includedMicro: 2e9,
      exhaustionDay: '2026-03-20',
      exhausted: false,
    },
    {
      subject: 'team',
      email: null,
      groupId: null,
      groupName: null,
      cycleStartDay: '2026-03-01',
      cycleEndDay: '2026-03-31',
      asOfDay: '2026-03-09',
      daysElapsed: 9,
      daysTotal: 31,
      toDateMicro: 9e9,
      forecastMicro: 31e9,
      lowMicro: 25e9,
      highMicro: 40e9,
      dailyRateMicro: 1e9,
      includedMicro: null,
      exhaustionDay: null,
      exhausted: false,
    },
  ];
  const burn: BurnRate[] = [
    {
      subject: 'group',
      groupId: 'group_eng',
      groupName: 'Eng',
      budgetMicro: 1e11,
      cycleToDateMicro: 5e10,
      budgetUsedRatio: 0.5,
      cycleElapsedRatio: 0.29,
      windows: [
        { window: '1h', spendMicro: 1, rate: 14.4 },
        { window: '6h', spendMicro: 1, rate: 6 },
        { window: '1d', spendMicro: 1, rate: 1.2 },
        { window: '3d', spendMicro: 1, rate: 0.9 },
      ],
      fastBurn: true,
      slowBurn: false,
    },
  ];
  const savings: Savings = {
    cycleStartDay: '2026-03-01',
    teamMedianPerRequestMicro: 4e6,
    teamP90PerRequestMicro: 2e7,
    totalMicro: 12_345e6,
    users: [
      {
        email: 'alice@acme.dev',
        groupId: null,
        requests: 10,
        spendMicro: 1e9,
        costPerRequestMicro: 1e8,
        models: ['claude-4-opus'],
        savingsMicro: 12_345e6,
      },
    ],
  };
  const out = db.prepare('INSERT INTO detection_outputs (kind, run_id, value, updated_ms) VALUES (?, 1, ?, ?)');
  out.run('forecasts', JSON.stringify(forecasts), NOW);
  out.run('burn', JSON.stringify(burn), NOW);
  out.run('savings', JSON.stringify(savings), NOW);
}

describe('detection, forecast and MTTx families', () => {
  let db: Db;
  let s: Sample[];
  let text: string;
  beforeAll(async () => {
    db = openDb(':memory:');
    seed(db);
    const svc = createMetricsService(new Store(db), { now: () => NOW });
    await svc.rebuild();
    text = (await svc.body()).toString();
    s = parseExposition(text);
  });
  afterAll(() => db.close());

  it("exposes each signal next to its threshold, with the user's group", () => {
    const alice = { detector: 'zscore', subject: 'user', user: 'alice@acme.dev', group: 'Eng' };
    expect(sampleValue(s, 'cursor_detector_signal', alice)).toBe(3.1);
    expect(sampleValue(s, 'cursor_detector_threshold', alice)).toBe(2.5);
    expect(sampleValue(s, 'cursor_detector_signal', { detector: 'budget_burn', subject: 'group', group: 'Eng' })).toBe(
      2,
    );
  });

  it('has one cursor_anomaly_open series per open incident and none for resolved ones', () => {
    const open = s.filter((x) => x.name === 'cursor_anomaly_open');
    expect(open.map((x) => x.labels).sort((a, b) => a.detector.localeCompare(b.detector))).toEqual([
      { detector: 'team_budget', severity: 'critical', subject: 'group', user: '', group: 'Eng' }, // '' = no label in PromQL
      { detector: 'zscore', severity: 'warning', subject: 'user', user: 'alice@acme.dev', group: 'Eng' },
    ]);
    expect(open.every((x) => x.value === 1)).toBe(true);
    expect(sampleValue(s, 'cursor_incidents_opened_total', { detector: 'spend_spike' })).toBe(1);
  });

  it("carries each open incident's evidence (value, baseline, threshold, model, unit) for alert descriptions", () => {
    const zscore = {
      detector: 'zscore',
      severity: 'warning',
      subject: 'user',
      user: 'alice@acme.dev',
      group: 'Eng',
      model: '',
      unit: 'usd',
    };
    expect(sampleValue(s, 'cursor_anomaly_value', zscore)).toBe(1);
    expect(sampleValue(s, 'cursor_anomaly_threshold', zscore)).toBe(1);
    // No baseline recorded: no series rather than a made-up 0; resolved incidents have no evidence at all.
    expect(s.filter((x) => x.name === 'cursor_anomaly_baseline')).toEqual([]);
    expect(
      s
        .filter((x) => x.name === 'cursor_anomaly_value')
        .map((x) => x.labels.detector)
        .sort(),
    ).toEqual(['team_budget', 'zscore']);
  });

  it('names the model that drove an incident and keeps the largest of incidents that share labels', async () => {
    const db2 = openDb(':memory:');
    seed(db2);
    const add = db2.prepare(
      `INSERT INTO incidents (key, detector, severity, subject, email, models, day, message, value, baseline, threshold, unit, status,
         onset_ms, detected_ms, first_run, last_seen_run, updated_ms)
       VALUES (?, 'cost_per_request', 'warning', 'user', 'bob@acme.dev', ?, '2026-03-09', 'm', ?, 0.34, 1.02, 'usd_per_request', 'detected', ?, ?, 1, 1, ?)`,
    );
    add.run('cpr:bob:opus', '["claude-4-opus-max","gpt-5"]', 1.45, NOW, NOW, NOW);
    add.run('cpr:bob:opus2', '["claude-4-opus-max"]', 1.2, NOW, NOW, NOW);
    const svc = createMetricsService(new Store(db2), { now: () => NOW });
    await svc.rebuild();
    const s2 = parseExposition((await svc.body()).toString());
    db2.close();
    const bob = {
      detector: 'cost_per_request',
      severity: 'warning',
      subject: 'user',
      user: 'bob@acme.dev',
      group: 'unassigned',
      model: 'claude-4-opus-max',
      unit: 'usd_per_request',
    };
    expect(sampleValue(s2, 'cursor_anomaly_value', bob)).toBe(1.45);
    expect(sampleValue(s2, 'cursor_anomaly_baseline', bob)).toBe(0.34);
    expect(sampleValue(s2, 'cursor_anomaly_threshold', bob)).toBe(1.02);
    expect(sampleValue(s2, 'cursor_anomaly_open', { detector: 'cost_per_request', user: 'bob@acme.dev' })).toBe(2);
  });

  it('computes MTTD, MTTI and MTTR in seconds with incidents/mttx.ts definitions', () => {
    // MTTD = alerted − onset over alerted incidents only (zscore 1 h 1 min, spike 3 h; team_budget never alerted).
    expect(sampleValue(s, 'cursor_incident_mttd_seconds')).toBe((3660 + 3 * 3600) / 2);
    expect(sampleValue(s, 'cursor_incident_mtti_seconds')).toBe(600);
    // MTTR = resolved − onset: the spike lived 5 h in the data.
    expect(sampleValue(s, 'cursor_incident_mttr_seconds')).toBe(5 * 3600);
    expect(sampleValue(s, 'cursor_exporter_last_detection_duration_seconds')).toBe(2.5);
  });

  it('exposes forecasts with their range, budgets, burn rates and savings', () => {
    const alice = { subject: 'user', user: 'alice@acme.dev', group: 'Eng' };
    expect(sampleValue(s, 'cursor_forecast_cycle_spend_usd', alice)).toBe(31);
    expect(sampleValue(s, 'cursor_forecast_cycle_spend_low_usd', alice)).toBe(25);
    expect(sampleValue(s, 'cursor_forecast_cycle_spend_high_usd', alice)).toBe(40);
    expect(sampleValue(s, 'cursor_forecast_cycle_spend_usd', { subject: 'team' })).toBe(310);
    expect(sampleValue(s, 'cursor_forecast_plan_exhaustion_timestamp_seconds', { user: 'alice@acme.dev' })).toBe(
      dayStartMs('2026-03-20') / 1000,
    );
    expect(sampleValue(s, 'cursor_budget_usd', { subject: 'group', group: 'Eng' })).toBe(1000);
    expect(sampleValue(s, 'cursor_budget_burn_rate', { group: 'Eng', window: '1h' })).toBe(14.4);
    expect(sampleValue(s, 'cursor_budget_fast_burn', { group: 'Eng' })).toBe(1);
    expect(sampleValue(s, 'cursor_savings_potential_usd')).toBe(123.45);
    expect(sampleValue(s, 'cursor_user_savings_potential_usd', { user: 'alice@acme.dev', group: 'Eng' })).toBe(123.45);
  });

  it('passes promtool check metrics', async () => {
    if (!binaryAvailable(PROMTOOL_BIN)) return;
    const r = await promtoolCheckMetrics(text);
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
  });
});
