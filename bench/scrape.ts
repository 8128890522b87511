/**
 * bench/scrape: 10,000 users with their models. Exposition size, series count, rebuild time, and
 * scrape latency under 10 concurrent scrapers (autocannon against the listening app, gzip as
 * Prometheus asks) against prom-client's registry.metrics() rendered per scrape in the same run.
 *
 * Two reference points put the latency in context: `floor_*` is a bare node:http server answering
 * with the same pre-compressed bytes (no Fastify, no routing: what any Node server needs to hand
 * over this body under the same load), and `single_*` is one scraper at a time (what a Prometheus
 * or an HA pair sees at a 15–60 s interval). With 10 closed-loop scrapers latency is ~10× the
 * per-scrape cost, most of which is the load generator receiving the body, not the server.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
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
/**
 * Scrapes per second from all scrapers together in the paced runs: each of the 10 scrapers scrapes
 * twice a second, 30× Prometheus' default 15 s interval. A closed loop (every scraper re-scraping the
 * instant it gets an answer) measures how fast the load generator can swallow 0.34 MB bodies on the
 * same 2 cores instead; it is reported too, as saturated_*.
 */
const PACED_RATE = 20;

interface LoadResult {
  latency: Record<string, number>;
  non2xx: number;
  errors: number;
  requests: { total: number };
  /** CPU this process (the server under test) spent per scrape: independent of how busy the machine is. */
  serverCpuUs: number;
}

/**
 * The scrapers run in their own process (autocannon's CLI): in-process load generation would share
 * the server's event loop and measure the client as much as the server.
 */
async function load(url: string, scrapers = SCRAPERS, rate?: number): Promise<LoadResult> {
  // timeout 30 s: the baseline's renders queue up behind each other; a scrape still in flight when
  // the duration ends is counted as an error by autocannon, so errors are reported, not fatal.
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'autocannon');
  const args = ['-j', '-c', String(scrapers), '-d', String(DURATION_S), '-t', '30', '-H', 'accept-encoding=gzip', ...(rate ? ['-R', String(rate)] : []), url];
  const cpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(bin, args, { maxBuffer: 64 * 1024 * 1024 });
  const { user, system } = process.cpuUsage(cpu);
  const r = JSON.parse(stdout) as LoadResult;
  if (r.non2xx > 0) throw new Error(`${url}: ${r.non2xx} scrapes answered non-2xx`);
  return { ...r, serverCpuUs: Math.round((user + system) / Math.max(1, r.requests.total)) };
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
  const packed = metrics.gzipBody();
  const floor = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': metrics.contentType, 'content-encoding': 'gzip', 'content-length': packed.length });
    res.end(packed);
  });
  await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
  try {
    const port = (s: typeof app) => (s.server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port(app)}/metrics`;
    const ours = await load(url, SCRAPERS, PACED_RATE);
    const saturated = await load(url);
    const bare = await load(`http://127.0.0.1:${(floor.address() as AddressInfo).port}/metrics`);
    const single = await load(url, 1);
    const base = await load(`http://127.0.0.1:${port(baseline)}/metrics`, SCRAPERS, PACED_RATE);
    const figures = {
      users: USERS,
      series,
      bytes: metrics.body().length,
      gzip_bytes: metrics.gzipBody().length,
      rebuild_ms: Math.round(rebuildMs),
      scrapers: SCRAPERS,
      scrapes_per_s: PACED_RATE,
      p50_ms: ours.latency.p50,
      p99_ms: ours.latency.p99,
      scrapes: ours.requests.total,
      server_cpu_us_per_scrape: ours.serverCpuUs,
      errors: ours.errors,
      saturated_p50_ms: saturated.latency.p50,
      saturated_p99_ms: saturated.latency.p99,
      saturated_scrapes: saturated.requests.total,
      floor_p50_ms: bare.latency.p50,
      floor_p99_ms: bare.latency.p99,
      floor_server_cpu_us_per_scrape: bare.serverCpuUs,
      single_p50_ms: single.latency.p50,
      single_p99_ms: single.latency.p99,
      baseline_p50_ms: base.latency.p50,
      baseline_p99_ms: base.latency.p99,
      baseline_scrapes: base.requests.total,
      baseline_errors: base.errors,
    };
    console.error(
      `exposition: ${series} series, ${(figures.bytes / 1e6).toFixed(1)} MB (${(figures.gzip_bytes / 1e6).toFixed(2)} MB gzip), rebuild ${figures.rebuild_ms} ms\n` +
        `scrape, ${SCRAPERS} concurrent scrapers at ${PACED_RATE}/s in all, ${DURATION_S} s: p50 ${figures.p50_ms} ms p99 ${figures.p99_ms} ms (${figures.scrapes} scrapes, ${figures.server_cpu_us_per_scrape} µs server CPU each); ` +
        `closed loop (saturated) p50 ${figures.saturated_p50_ms} ms p99 ${figures.saturated_p99_ms} ms; ` +
        `bare node:http, same bytes p50 ${figures.floor_p50_ms} ms p99 ${figures.floor_p99_ms} ms (${figures.floor_server_cpu_us_per_scrape} µs); one scraper p50 ${figures.single_p50_ms} ms p99 ${figures.single_p99_ms} ms; ` +
        `registry.metrics() per scrape, same pacing: p50 ${figures.baseline_p50_ms} ms p99 ${figures.baseline_p99_ms} ms (${figures.baseline_scrapes} scrapes); target p99 < 20 ms`,
    );
    return figures;
  } finally {
    await app.close();
    await baseline.close();
    await new Promise((resolve) => floor.close(resolve));
    db.close();
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
