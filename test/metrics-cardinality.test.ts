/**
 * Series budget: at a small METRICS_MAX_SERIES the biggest spenders keep their own per-model series,
 * the rest fold into user="other" without losing a cent. (The outage behaviour of /metrics is tested
 * against the simulator in metrics-simulator.test.ts.)
 */
import { createMetricsService } from '../exporter/src/metrics/service';
import { NOW, seedSyntheticTeam } from '../exporter/src/metrics/testing';
import { SERIES_PER_PAIR } from '../exporter/src/metrics/usage';
import { Store } from '../exporter/src/store';
import { addUsageDaily, type UsageDailyRow } from '../exporter/src/store/usage-daily';
import { parseExposition, sampleValue, type Sample } from './helpers/prometheus';

const USERS = 40;
const MODELS_PER_USER = 3;
const MAX_SERIES = 20 * SERIES_PER_PAIR; // room for 20 user×model pairs

function sum(samples: Sample[], name: string, pred: (s: Sample) => boolean = () => true): number {
  return samples.filter((s) => s.name === name && pred(s)).reduce((n, s) => n + s.value, 0);
}

describe('cardinality folding', () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(':memory:');
    seedSyntheticTeam(store, { users: USERS, modelsPerUser: MODELS_PER_USER, days: 3, nowMs: NOW });
  });
  afterEach(() => store.close());

  it('keeps the biggest spenders within the budget and folds the rest into "other" exactly', async () => {
    const unfolded = createMetricsService(store, { now: () => NOW });
    await unfolded.rebuild();
    const all = parseExposition((await unfolded.body()).toString());
    const folded = createMetricsService(store, { now: () => NOW, maxSeries: MAX_SERIES });
    await folded.rebuild();
    const s = parseExposition((await folded.body()).toString());

    const perModel = s.filter((x) => x.name.startsWith('cursor_usage_'));
    expect(perModel.length).toBeLessThanOrEqual(MAX_SERIES);
    expect(sampleValue(s, 'cursor_exporter_user_model_series')).toBe(perModel.length);
    expect(sampleValue(s, 'cursor_exporter_series_budget')).toBe(MAX_SERIES);

    // Who is kept: exactly the top spenders by all-time cost, as many as fit next to "other".
    const costByUser = new Map<string, number>();
    for (const x of all.filter((x) => x.name === 'cursor_usage_cost_usd_total'))
      costByUser.set(x.labels.user, (costByUser.get(x.labels.user) ?? 0) + x.value);
    const ranked = [...costByUser.entries()].sort((a, b) => b[1] - a[1]).map(([u]) => u);
    const kept = [
      ...new Set(
        s
          .filter((x) => x.name === 'cursor_usage_cost_usd_total' && x.labels.user !== 'other')
          .map((x) => x.labels.user),
      ),
    ];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.sort()).toEqual(ranked.slice(0, kept.length).sort());
    expect(sampleValue(s, 'cursor_exporter_series_folded_users')).toBe(USERS - kept.length);

    // Folding moves money between series, never loses it.
    for (const name of [
      'cursor_usage_cost_usd_total',
      'cursor_usage_requests_total',
      'cursor_usage_events_total',
      'cursor_usage_tokens_total',
    ]) {
      expect(sum(s, name)).toBeCloseTo(sum(all, name), 6);
    }
    expect(sum(s, 'cursor_usage_cost_usd_total', (x) => x.labels.user === 'other')).toBeGreaterThan(0);
    // Per-user gauges are not subject to the budget.
    expect(s.filter((x) => x.name === 'cursor_user_cycle_spend_usd')).toHaveLength(USERS);
  });

  it('keeps the kept set sticky when a folded user overtakes a kept one', async () => {
    const svc = createMetricsService(store, { now: () => NOW, maxSeries: MAX_SERIES });
    await svc.rebuild();
    const keptOf = (s: Sample[]) =>
      new Set(
        s
          .filter((x) => x.name === 'cursor_usage_cost_usd_total' && x.labels.user !== 'other')
          .map((x) => x.labels.user),
      );
    const before = keptOf(parseExposition((await svc.body()).toString()));
    const outsider = 'user00039@acme.dev';
    expect(before.has(outsider)).toBe(false);
    const row = store.db
      .prepare('SELECT day, email, model FROM usage_daily WHERE email = ? LIMIT 1')
      .get(outsider) as UsageDailyRow;
    addUsageDaily(store.db, [{ ...row, charged_micro: 1e12 }]);
    await svc.rebuild();
    const after = parseExposition((await svc.body()).toString());
    expect(keptOf(after)).toEqual(before);
    // ...while a fresh process (no history) would pick the new top spender.
    const fresh = createMetricsService(store, { now: () => NOW, maxSeries: MAX_SERIES });
    await fresh.rebuild();
    expect(keptOf(parseExposition((await fresh.body()).toString())).has(outsider)).toBe(true);
  });
});
