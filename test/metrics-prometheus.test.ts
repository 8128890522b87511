/**
 * A real Prometheus (Debian binary, 1 s scrape on loopback) scrapes the exporter app and PromQL
 * through its HTTP API returns the team spend and a per-user value from the store.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../exporter/src/app';
import { createMetricsService } from '../exporter/src/metrics/service';
import { NOW, seedKnownTeam } from '../exporter/src/metrics/testing';
import { openDb, type Db } from '../exporter/src/store/db';
import { binaryAvailable, PROMETHEUS_BIN, startPrometheus, type PrometheusHandle } from './helpers/prometheus';

const run = binaryAvailable(PROMETHEUS_BIN) ? describe : describe.skip;

run('Prometheus scrapes the exporter', () => {
  let db: Db;
  let app: FastifyInstance;
  let prom: PrometheusHandle;
  const TOKEN = 'scrape-token-for-test';

  beforeAll(async () => {
    db = openDb(':memory:');
    seedKnownTeam(db);
    const metrics = createMetricsService(db, { now: () => NOW });
    await metrics.rebuild();
    app = await buildApp({ metrics, metricsToken: TOKEN, ready: () => true });
    await app.listen({ host: '127.0.0.1', port: 0 });
    prom = await startPrometheus(`127.0.0.1:${(app.server.address() as AddressInfo).port}`, { bearerToken: TOKEN });
  }, 30_000);

  afterAll(async () => {
    await prom?.stop();
    await app?.close();
    db?.close();
  });

  it('answers PromQL for team spend and a per-user value', async () => {
    const up = await prom.query('up{job="exporter"}');
    expect(up[0].value[1]).toBe('1');
    const team = await prom.query('sum(cursor_user_cycle_spend_usd)');
    expect(Number(team[0].value[1])).toBeCloseTo(126.05678901, 8);
    const teamGauge = await prom.query('cursor_team_cycle_spend_usd');
    expect(Number(teamGauge[0].value[1])).toBeCloseTo(126.05678901, 8);
    const alice = await prom.query('cursor_user_cycle_spend_usd{user="alice@acme.dev"}');
    expect(alice).toHaveLength(1);
    expect(alice[0].metric.group).toBe('Eng');
    expect(Number(alice[0].value[1])).toBeCloseTo(123.45678901, 8);
    const reqs = await prom.query('sum by (user) (cursor_usage_requests_total{user="alice@acme.dev"})');
    expect(Number(reqs[0].value[1])).toBe(4.5);
  });

  it('sees no scrape errors (gzip, bearer token and exposition format all accepted)', async () => {
    const targets = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
    expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
  });
});
