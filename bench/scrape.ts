/**
 * bench/scrape: 10,000 users with their models. Exposition size, series count, rebuild time, and
 * scrape latency under 10 concurrent closed-loop scrapers (wrk, gzip as Prometheus asks) against
 * prom-client's registry.metrics() rendered per scrape in the same run. `floor_*` is a bare
 * node:http server answering with the same pre-compressed bytes: what any Node server needs to hand
 * over this body under the same load.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { buildApp } from '../exporter/src/app';
import { createMetricsService } from '../exporter/src/metrics/service';
import { NOW, seedSyntheticTeam } from '../exporter/src/metrics/testing';
import { Store } from '../exporter/src/store';

const USERS = 10_000;
const MODELS_PER_USER = 3;
const DAYS = 7;
const SCRAPERS = 10;
const DURATION_S = 10;

interface LoadResult {
  p50_ms: number;
  p99_ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** CPU this process (the server under test) spent per scrape: independent of how busy the machine is. */
  serverCpuUs: number;
}

/** wrk's Lua hook: print the figures as one JSON line (latencies are in µs). */
const WRK_REPORT = `done = function(s, latency, r)
  local e = s.errors
  io.write(string.format('{"p50_us":%d,"p99_us":%d,"requests":%d,"errors":%d,"non2xx":%d}\\n',
    latency:percentile(50), latency:percentile(99), s.requests, e.connect + e.read + e.write + e.timeout, e.status))
end`;

/**
 * Closed-loop scrapers in their own process: wrk (Debian's `wrk` package), a C client like
 * Prometheus' Go one. An in-process or JavaScript load generator (autocannon) spends more time
 * receiving 0.34 MB bodies than the server spends sending them, and measures itself.
 */
async function load(url: string, scrapers = SCRAPERS): Promise<LoadResult> {
  const script = path.join(os.tmpdir(), `scrape-report-${process.pid}.lua`);
  fs.writeFileSync(script, WRK_REPORT);
  const args = [
    '-t2',
    `-c${scrapers}`,
    `-d${DURATION_S}s`,
    '--timeout',
    '30s',
    '-s',
    script,
    '-H',
    'Accept-Encoding: gzip',
    url,
  ];
  const cpu = process.cpuUsage();
  try {
    const { stdout } = await promisify(execFile)('wrk', args, { maxBuffer: 16 * 1024 * 1024 });
    const { user, system } = process.cpuUsage(cpu);
    const line = stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop();
    if (!line) throw new Error(`wrk printed no report:\n${stdout}`);
    const r = JSON.parse(line) as { p50_us: number; p99_us: number; requests: number; errors: number; non2xx: number };
    if (r.non2xx > 0) throw new Error(`${url}: ${r.non2xx} scrapes answered non-2xx`);
    const ms = (us: number) => Math.round(us / 10) / 100;
    return {
      p50_ms: ms(r.p50_us),
      p99_ms: ms(r.p99_us),
      requests: r.requests,
      errors: r.errors,
      non2xx: r.non2xx,
      serverCpuUs: Math.round((user + system) / Math.max(1, r.requests)),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('bench/scrape needs wrk: apt-get install --no-install-recommends wrk');
    throw err;
  } finally {
    fs.rmSync(script, { force: true });
  }
}

export async function run(): Promise<Record<string, number>> {
  const store = Store.open(':memory:');
  let t = performance.now();
  seedSyntheticTeam(store, { users: USERS, modelsPerUser: MODELS_PER_USER, days: DAYS, nowMs: NOW });
  console.error(
    `seeded ${USERS} users × ${MODELS_PER_USER} models × ${DAYS} days in ${Math.round(performance.now() - t)} ms`,
  );

  const metrics = createMetricsService(store, { now: () => NOW });
  await metrics.rebuild(); // first build warms statement and label caches
  t = performance.now();
  await metrics.rebuild();
  const rebuildMs = performance.now() - t;
  const text = (await metrics.body()).toString();
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;

  const app = await buildApp({ metrics, ready: () => true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  // Baseline: the same registry, rendered by prom-client on every scrape (the usual way to serve it).
  const baseline = Fastify();
  baseline.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  await baseline.listen({ host: '127.0.0.1', port: 0 });
  const packed = metrics.gzipBody();
  const floor = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': metrics.contentType,
      'content-encoding': 'gzip',
      'content-length': packed.length,
    });
    res.end(packed);
  });
  await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
  try {
    const port = (s: typeof app) => (s.server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port(app)}/metrics`;
    const ours = await load(url);
    const bare = await load(`http://127.0.0.1:${(floor.address() as AddressInfo).port}/metrics`);
    const base = await load(`http://127.0.0.1:${port(baseline)}/metrics`);
    const figures = {
      users: USERS,
      series,
      bytes: Buffer.byteLength(text),
      gzip_bytes: metrics.gzipBody().length,
      rebuild_ms: Math.round(rebuildMs),
      scrapers: SCRAPERS,
      p50_ms: ours.p50_ms,
      p99_ms: ours.p99_ms,
      scrapes: ours.requests,
      server_cpu_us_per_scrape: ours.serverCpuUs,
      errors: ours.errors,
      floor_p50_ms: bare.p50_ms,
      floor_p99_ms: bare.p99_ms,
      baseline_p50_ms: base.p50_ms,
      baseline_p99_ms: base.p99_ms,
      baseline_scrapes: base.requests,
      baseline_errors: base.errors,
    };
    console.error(
      `exposition: ${series} series, ${(figures.bytes / 1e6).toFixed(1)} MB (${(figures.gzip_bytes / 1e6).toFixed(2)} MB gzip), rebuild ${figures.rebuild_ms} ms\n` +
        `scrape, ${SCRAPERS} concurrent closed-loop scrapers (wrk), ${DURATION_S} s: p50 ${figures.p50_ms} ms p99 ${figures.p99_ms} ms (${figures.scrapes} scrapes, ${figures.server_cpu_us_per_scrape} µs server CPU each); ` +
        `bare node:http sending the same bytes p50 ${figures.floor_p50_ms} ms p99 ${figures.floor_p99_ms} ms; ` +
        `prom-client registry.metrics() per scrape p50 ${figures.baseline_p50_ms} ms p99 ${figures.baseline_p99_ms} ms (${figures.baseline_scrapes} scrapes); target p99 < 20 ms`,
    );
    return figures;
  } finally {
    await app.close();
    await baseline.close();
    await new Promise((resolve) => floor.close(resolve));
    store.close();
  }
}

if (require.main === module) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
