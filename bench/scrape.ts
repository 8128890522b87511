/**
 * bench/scrape: 10,000 users with their models. Exposition size, series count, rebuild time, and
 * scrape latency under 10 concurrent scrapers (autocannon against the listening app, gzip as
 * Prometheus asks) against prom-client's registry.metrics() rendered per scrape in the same run.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { buildApp } from '../exporter/src/app';
import { createMetricsService } from '../exporter/src/metrics/service';
import { NOW, seedSyntheticTeam } from '../exporter/src/metrics/testing';
import { openDb } from '../exporter/src/store/db';

const USERS = 10_000;
const MODELS_PER_USER = 3;
const DAYS = 7;
const SCRAPERS = 10;
const DURATION_S = 10;

interface LoadResult {
  latency: Record<string, number>;
  non2xx: number;
  errors: number;
  requests: { total: number };
}

/**
 * The scrapers run in their own process (autocannon's CLI): in-process load generation would share
 * the server's event loop and measure the client as much as the server.
 */
async function load(url: string): Promise<LoadResult> {
  // timeout 30 s: the baseline's renders queue up behind each other; a scrape still in flight when
  // the duration ends is counted as an error by autocannon, so errors are reported, not fatal.
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'autocannon');
  const args = ['-j', '-c', String(SCRAPERS), '-d', String(DURATION_S), '-t', '30', '-H', 'accept-encoding=gzip', url];
  const { stdout } = await promisify(execFile)(bin, args, { maxBuffer: 64 * 1024 * 1024 });
  const r = JSON.parse(stdout) as LoadResult;
  if (r.non2xx > 0) throw new Error(`${url}: ${r.non2xx} scrapes answered non-2xx`);
  return r;
}

export async function run(): Promise<Record<string, number>> {
  const db = openDb(':memory:');
  let t = performance.now();
  seedSyntheticTeam(db, { users: USERS, modelsPerUser: MODELS_PER_USER, days: DAYS, nowMs: NOW });
  console.error(`seeded ${USERS} users × ${MODELS_PER_USER} models × ${DAYS} days in ${Math.round(performance.now() - t)} ms`);

  const metrics = createMetricsService(db, { now: () => NOW });
  await metrics.rebuild(); // first build warms statement and label caches
  t = performance.now();
  await metrics.rebuild();
  const rebuildMs = performance.now() - t;
  const text = metrics.body().toString();
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;

  const app = await buildApp({ metrics, ready: () => true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  // Baseline: the same registry, rendered by prom-client on every scrape (the usual way to serve it).
  const baseline = Fastify();
  baseline.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  await baseline.listen({ host: '127.0.0.1', port: 0 });
  try {
    const port = (s: typeof app) => (s.server.address() as AddressInfo).port;
    const ours = await load(`http://127.0.0.1:${port(app)}/metrics`);
    const base = await load(`http://127.0.0.1:${port(baseline)}/metrics`);
    const figures = {
      users: USERS,
      series,
      bytes: metrics.body().length,
      gzip_bytes: metrics.gzipBody().length,
      rebuild_ms: Math.round(rebuildMs),
      p50_ms: ours.latency.p50,
      p99_ms: ours.latency.p99,
      scrapes: ours.requests.total,
      errors: ours.errors,
      baseline_p50_ms: base.latency.p50,
      baseline_p99_ms: base.latency.p99,
      baseline_scrapes: base.requests.total,
      baseline_errors: base.errors,
    };
    console.error(
      `exposition: ${series} series, ${(figures.bytes / 1e6).toFixed(1)} MB (${(figures.gzip_bytes / 1e6).toFixed(2)} MB gzip), rebuild ${figures.rebuild_ms} ms\n` +
        `scrape, ${SCRAPERS} concurrent, ${DURATION_S} s: cached p50 ${figures.p50_ms} ms p99 ${figures.p99_ms} ms (${figures.scrapes} scrapes); ` +
        `registry.metrics() per scrape p50 ${figures.baseline_p50_ms} ms p99 ${figures.baseline_p99_ms} ms (${figures.baseline_scrapes} scrapes); target p99 < 20 ms`,
    );
    return figures;
  } finally {
    await app.close();
    await baseline.close();
    db.close();
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
