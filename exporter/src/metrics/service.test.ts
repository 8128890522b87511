import { dayStartMs } from '../domain/time';
import { Store } from '../store';
import {
  binaryAvailable,
  parseExposition,
  promtoolCheckMetrics,
  PROMTOOL_BIN,
  sampleValue,
} from '../../../test/helpers/prometheus';
import { hashUser } from './labels';
import { createMetricsService } from './service';
import { CYCLE_END, CYCLE_START, NOW, seedKnownTeam, spendRow } from './testing';

describe('metrics service exposition of a known team', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(':memory:');
    seedKnownTeam(store);
  });
  afterEach(() => store.close());

  it('exposes exact spend, usage, team and health values', async () => {
    const svc = createMetricsService(store, { now: () => NOW });
    await svc.rebuild();
    const s = parseExposition((await svc.body()).toString());

    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'alice@acme.dev', group: 'Eng' })).toBeCloseTo(
      123.45678901,
      10,
    );
    expect(sampleValue(s, 'cursor_user_cycle_on_demand_spend_usd', { user: 'alice@acme.dev' })).toBeCloseTo(
      103.45678901,
      10,
    );
    expect(sampleValue(s, 'cursor_user_spend_limit_usd', { user: 'alice@acme.dev' })).toBe(500);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'bob@acme.dev', group: 'Sales' })).toBe(2.5);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'dave@acme.dev', group: 'unassigned' })).toBe(0.1);
    expect(sampleValue(s, 'cursor_team_cycle_spend_usd')).toBeCloseTo(126.05678901, 10);
    expect(sampleValue(s, 'cursor_team_cycle_included_spend_usd')).toBe(22.6);
    expect(sampleValue(s, 'cursor_group_cycle_spend_usd', { group: 'Eng' })).toBeCloseTo(123.45678901, 10);

    // Counters span all time (the February event included); the gauge per model only this cycle.
    expect(
      sampleValue(s, 'cursor_usage_cost_usd_total', { user: 'alice@acme.dev', model: 'claude-4-opus' }),
    ).toBeCloseTo(4.5025, 10);
    expect(sampleValue(s, 'cursor_usage_requests_total', { user: 'alice@acme.dev', model: 'claude-4-opus' })).toBe(4);
    expect(sampleValue(s, 'cursor_usage_requests_total', { user: 'alice@acme.dev', model: 'gpt-5' })).toBe(0.5);
    expect(sampleValue(s, 'cursor_usage_events_total', { user: 'alice@acme.dev', model: 'claude-4-opus' })).toBe(3);
    expect(
      sampleValue(s, 'cursor_usage_tokens_total', { user: 'bob@acme.dev', model: 'gpt-5', kind: 'cache_read' }),
    ).toBe(1000);
    expect(sampleValue(s, 'cursor_model_cycle_spend_usd', { model: 'claude-4-opus' })).toBeCloseTo(3.0025, 10);

    expect(sampleValue(s, 'cursor_team_members', { role: 'owner' })).toBe(1);
    expect(sampleValue(s, 'cursor_team_members', { role: 'member' })).toBe(2); // dave is removed
    expect(sampleValue(s, 'cursor_team_seats', { state: 'active' })).toBe(1); // alice, this cycle
    expect(sampleValue(s, 'cursor_team_seats', { state: 'inactive' })).toBe(1); // bob, February only
    expect(sampleValue(s, 'cursor_team_seats', { state: 'never_active' })).toBe(1); // carol
    expect(sampleValue(s, 'cursor_billing_cycle_end_timestamp_seconds')).toBe(CYCLE_END / 1000);

    expect(sampleValue(s, 'cursor_exporter_last_collect_success')).toBe(1);
    expect(sampleValue(s, 'cursor_exporter_last_collect_timestamp_seconds')).toBe((NOW - 30_000) / 1000);
    expect(sampleValue(s, 'cursor_exporter_last_collect_duration_seconds')).toBe(30);
    expect(sampleValue(s, 'cursor_exporter_api_calls_total', { endpoint: '/teams/members', status: '429' })).toBe(1);
    expect(sampleValue(s, 'cursor_exporter_rate_limit_wait_seconds_total')).toBe(4.5);
    expect(sampleValue(s, 'cursor_exporter_rows_written_total', { table: 'usage_events' })).toBe(5);
    expect(sampleValue(s, 'cursor_exporter_newest_usage_event_age_seconds')).toBe(
      (NOW - (dayStartMs('2026-03-04') + 3_600_000)) / 1000,
    );
    expect(sampleValue(s, 'cursor_exporter_series_folded_users')).toBe(0);
    for (const f of ['health', 'team', 'spend', 'usage', 'detection', 'forecasts', 'mttx']) {
      expect(sampleValue(s, 'cursor_exporter_metrics_family_success', { family: f })).toBe(1);
    }
  });

  it('has no sample timestamps and no date labels', async () => {
    const svc = createMetricsService(store, { now: () => NOW });
    await svc.rebuild();
    const text = (await svc.body()).toString();
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z0-9_]+(\{[^}]*\})? \S+$/); // name, labels, value: nothing after the value
      expect(line).not.toMatch(/="\d{4}-\d{2}-\d{2}/);
    }
  });

  it('passes promtool check metrics', async () => {
    if (!binaryAvailable(PROMTOOL_BIN)) return;
    const svc = createMetricsService(store, { now: () => NOW });
    await svc.rebuild();
    const r = await promtoolCheckMetrics(await svc.body());
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
  });

  it('hashes users when asked, consistently across families', async () => {
    const svc = createMetricsService(store, { now: () => NOW, hashUsers: true });
    await svc.rebuild();
    const text = (await svc.body()).toString();
    expect(text).not.toContain('@acme.dev');
    const s = parseExposition(text);
    const h = hashUser('alice@acme.dev');
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: h })).toBeCloseTo(123.45678901, 10);
    expect(sampleValue(s, 'cursor_usage_requests_total', { user: h, model: 'claude-4-opus' })).toBe(4);
  });

  it('drops departed users on the next rebuild and keeps serving the old exposition meanwhile', async () => {
    const svc = createMetricsService(store, { now: () => NOW });
    await svc.rebuild();
    const before = svc.gzipBody();
    store.spend.save(
      { cycleStartMs: CYCLE_START, limitedUsersCount: null, rows: [spendRow('alice@acme.dev', 20000, 2000)] },
      NOW,
    );
    expect(svc.gzipBody()).toBe(before); // a scrape between rebuilds reads memory only
    await svc.rebuild();
    const s = parseExposition((await svc.body()).toString());
    expect(s.filter((x) => x.name === 'cursor_user_cycle_spend_usd').map((x) => x.labels.user)).toEqual([
      'alice@acme.dev',
    ]);
    expect(s.some((x) => x.name === 'cursor_user_spend_limit_usd')).toBe(false);
  });

  it('renders, yielding between families and metrics, the text prom-client renders at once', async () => {
    const svc = createMetricsService(store, { now: () => NOW });
    await svc.rebuild();
    expect((await svc.body()).toString()).toBe(await svc.registry.metrics());
  });

  it('serves the previous exposition until a rebuild has finished, while the event loop turns', async () => {
    const svc = createMetricsService(store, { now: () => NOW });
    await svc.rebuild();
    const before = svc.gzipBody();
    store.spend.save(
      { cycleStartMs: CYCLE_START, limitedUsersCount: null, rows: [spendRow('alice@acme.dev', 20000, 2000)] },
      NOW,
    );
    const seen: Buffer[] = [];
    let done = false;
    const rebuilt = svc.rebuild().then(() => void (done = true));
    // Each turn of the loop a scrape could arrive: it gets the old body until the new one is whole.
    while (!done) {
      seen.push(svc.gzipBody());
      await new Promise((resolve) => setImmediate(resolve));
    }
    await rebuilt;
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((b) => b === before)).toBe(true);
    expect(svc.gzipBody()).not.toBe(before);
  });

  it('reports a failing family and still serves the others', async () => {
    const errors: string[] = [];
    store.db.exec('DROP TABLE incidents');
    const svc = createMetricsService(store, { now: () => NOW, onFamilyError: (f) => errors.push(f) });
    await svc.rebuild();
    const s = parseExposition((await svc.body()).toString());
    expect(errors).toEqual(['detection', 'mttx']);
    expect(sampleValue(s, 'cursor_exporter_metrics_family_success', { family: 'detection' })).toBe(0);
    expect(sampleValue(s, 'cursor_user_cycle_spend_usd', { user: 'bob@acme.dev' })).toBe(2.5);
  });

  it('rejects a nonsensical series budget', () => {
    expect(() => createMetricsService(store, { maxSeries: 0 })).toThrow(/METRICS_MAX_SERIES/);
  });
});
