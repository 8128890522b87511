/**
 * Series budget: at a small METRICS_MAX_SERIES the biggest spenders keep their own per-model series,
 * the rest fold into user="other" without losing a cent; and /metrics keeps answering 200 with the
 * last values while collections fail upstream.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../exporter/src/app';
import { createMetricsService } from '../exporter/src/metrics/service';
import { NOW, seedSyntheticTeam } from '../exporter/src/metrics/testing';
import { SERIES_PER_PAIR } from '../exporter/src/metrics/usage';
import { openDb, type Db } from '../exporter/src/store/db';
import { finishRun, startRun } from '../exporter/src/store/runs';
import { parseExposition, sampleValue, type Sample } from './helpers/prometheus';

const USERS = 40;
const MODELS_PER_USER = 3;
const MAX_SERIES = 20 * SERIES_PER_PAIR; // room for 20 user×model pairs

function sum(samples: Sample[], name: string, pred: (s: Sample) => boolean = () => true): number {
  return samples.filter((s) => s.name === name && pred(s)).reduce((n, s) => n + s.value, 0);
}

describe('cardinality folding', () => {
  let db: Db;
  beforeEach(() => {
    db = openDb(':memory:');
    seedSyntheticTeam(db, { users: USERS, modelsPerUser: MODELS_PER_USER, days: 3, nowMs: NOW });
  });
  afterEach(() => db.close());

  it('keeps the biggest spenders within the budget and folds the rest into "other" exactly', async () => {
    const unfolded = createMetricsService(db, { now: () => NOW });
    await unfolded.rebuild();
    const all = parseExposition(unfolded.body().toString());
    const folded = createMetricsService(db, { now: () => NOW, maxSeries: MAX_SERIES });
    await folded.rebuild();
    const s = parseExposition(folded.body().toString());

    const perModel = s.filter((x) => x.name.startsWith('cursor_usage_'));
    expect(perModel.length).toBeLessThanOrEqual(MAX_SERIES);
    expect(sampleValue(s, 'cursor_exporter_user_model_series')).toBe(perModel.length);
    expect(sampleValue(s, 'cursor_exporter_series_budget')).toBe(MAX_SERIES);

    // Who is kept: exactly the top spenders by all-time cost, as many as fit next to "other".
    const costByUser = new Map<string, number>();
    for (const x of all.filter((x) => x.name === 'cursor_usage_cost_usd_total')) costByUser.set(x.labels.user, (costByUser.get(x.labels.user) ?? 0) + x.value);
    const ranked = [...costByUser.entries()].sort((a, b) => b[1] - a[1]).map(([u]) => u);
    const kept = [...new Set(s.filter((x) => x.name === 'cursor_usage_cost_usd_total' && x.labels.user !== 'other').map((x) => x.labels.user))];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.sort()).toEqual(ranked.slice(0, kept.length).sort());
    expect(sampleValue(s, 'cursor_exporter_series_folded_users')).toBe(USERS - kept.length);

    // Folding moves money between series, never loses it.
    for (const name of ['cursor_usage_cost_usd_total', 'cursor_usage_requests_total', 'cursor_usage_events_total', 'cursor_usage_tokens_total']) {
      expect(sum(s, name)).toBeCloseTo(sum(all, name), 6);
    }
    expect(sum(s, 'cursor_usage_cost_usd_total', (x) => x.labels.user === 'other')).toBeGreaterThan(0);
    // Per-user gauges are not subject to the budget.
    expect(s.filter((x) => x.name === 'cursor_user_cycle_spend_usd')).toHaveLength(USERS);
  });

  it('keeps the kept set sticky when a folded user overtakes a kept one', async () => {
    const svc = createMetricsService(db, { now: () => NOW, maxSeries: MAX_SERIES });
    await svc.rebuild();
    const keptOf = (s: Sample[]) => new Set(s.filter((x) => x.name === 'cursor_usage_cost_usd_total' && x.labels.user !== 'other').map((x) => x.labels.user));
    const before = keptOf(parseExposition(svc.body().toString()));
    const outsider = 'user00039@acme.dev';
    expect(before.has(outsider)).toBe(false);
    db.prepare("UPDATE usage_daily SET charged_micro = charged_micro + 1e12 WHERE email = ?").run(outsider);
    await svc.rebuild();
    const after = parseExposition(svc.body().toString());
    expect(keptOf(after)).toEqual(before);
    // ...while a fresh process (no history) would pick the new top spender.
    const fresh = createMetricsService(db, { now: () => NOW, maxSeries: MAX_SERIES });
    await fresh.rebuild();
    expect(keptOf(parseExposition(fresh.body().toString())).has(outsider)).toBe(true);
  });
});

describe('scrape during an upstream outage', () => {
  let db: Db;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    db = openDb(':memory:');
    seedSyntheticTeam(db, { users: 5, modelsPerUser: 2, days: 2, nowMs: NOW });
    const metrics = createMetricsService(db, { now: () => NOW });
    await metrics.rebuild();
    app = await buildApp({ metrics, ready: () => true });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/metrics`;
    // The upstream now fails: a run that got only 500s, as the collector records it, then the rebuild the pipeline does.
    const run = startRun(db, 'collect', NOW + 60_000);
    finishRun(
      db, run,
      { status: 'failed', apiCalls: { '/teams/members': { '500': 3 } }, rowsWritten: {}, errors: [{ step: 'members', message: 'HTTP 500' }], rateLimitWaits: 0, rateLimitWaitMs: 0 },
      NOW + 90_000,
    );
    await metrics.rebuild({ nowMs: NOW + 90_000, collectors: { members: { ok: false, durationMs: 30_000 } } });
  });
  afterAll(async () => {
    await app.close();
    db.close();
  });

  it('answers 200 with the last values and reports the failure in the health metrics', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const s = parseExposition(await res.text());
      expect(sampleValue(s, 'cursor_exporter_last_collect_success')).toBe(0);
      expect(sampleValue(s, 'cursor_exporter_last_collect_timestamp_seconds')).toBe((NOW + 90_000) / 1000);
      expect(sampleValue(s, 'cursor_exporter_last_successful_collect_timestamp_seconds')).toBe((NOW - 60_000) / 1000);
      expect(sampleValue(s, 'cursor_exporter_api_calls_total', { endpoint: '/teams/members', status: '500' })).toBe(3);
      expect(sampleValue(s, 'cursor_exporter_collect_failed_runs_total')).toBe(1);
      expect(sampleValue(s, 'cursor_exporter_collector_success', { collector: 'members' })).toBe(0);
      expect(s.filter((x) => x.name === 'cursor_user_cycle_spend_usd')).toHaveLength(5);
    }
  });
});
