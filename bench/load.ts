/**
 * bench/load: the service under its steady load while a collection runs. The store is seeded with
 * bench/api's team (10,000 users × 90 days up to today, in a separate process), then `serve` runs
 * against the simulator (its own process: 500 more users, 30 days, Cursor's documented rate limits,
 * so the first backfill lasts minutes), and from a separate process Prometheus-like scrapes 10/s plus dashboard queries 20/s
 * over a mix of time ranges, for 60 s (BENCH_LOAD_SECONDS). Reports errors (anything but 200),
 * latency percentiles, and the server's RSS sampled every second (steady = the last half). The
 * server is the exporter as it ships, compiled to JavaScript, in a process of its own (_load-serve.ts),
 * with the C library's settings of its image (MALLOC_ARENA_MAX, read from the Dockerfile).
 */
import { execFile, fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DAY_MS } from '../exporter/src/domain/time';
import { compiledHarness } from './_compiled';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const USERS = 10_000; // the seeded team (bench/api's seed)
const SIMULATED_USERS = 500;
const API_TOKEN = 'bench-load-api-token-0123456789';
const METRICS_TOKEN = 'bench-load-metrics-token-0123456789';

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(2));
};

/** Dashboard queries over the last 1, 7 and 30 days, ending at different minutes so some miss the cache. */
function dashboardPaths(nowMs: number): string[] {
  const out: string[] = [];
  for (const days of [1, 7, 30]) {
    for (let k = 0; k < 5; k++) {
      const to = nowMs - k * 60_000;
      const r = `from=${to - days * DAY_MS}&to=${to}`;
      out.push(
        `/api/v1/series?metric=spend&${r}`,
        `/api/v1/series?metric=spend&by=model&${r}`,
        `/api/v1/series?metric=spend&by=user&${r}`,
        `/api/v1/tables/top-spenders?${r}&limit=15`,
        `/api/v1/tables/members?${r}&sort=spend&limit=100`,
        `/api/v1/tables/model-costs?${r}`,
        `/api/v1/incidents?${r}`,
        '/api/v1/health',
      );
    }
  }
  return out;
}

/**
 * The simulator in its own process (the CLI's `simulator` command), so the RSS sampled here is the
 * exporter's alone.
 */
async function simulator(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(__dirname, '../exporter/src/main.ts'),
      'simulator',
      '--users',
      String(SIMULATED_USERS),
      '--seed',
      '7',
      '--history-days',
      '35',
      '--port',
      '0',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /simulator: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')),
      ),
  };
}

interface ServerEnd {
  stallP99Ms: number;
  stallMaxMs: number;
  cpuS: number;
  collecting: boolean;
  runs: number;
  events: number;
}

/**
 * The C library's settings the exporter's image runs with (`MALLOC_*` in the Dockerfile's exporter
 * stage): the RSS measured is the shipped process's.
 */
function imageMallocEnv(): Record<string, string> {
  const dockerfile = fs.readFileSync(path.join(__dirname, '..', 'Dockerfile'), 'utf8');
  const stage = dockerfile.slice(dockerfile.search(/^FROM \S+ AS exporter$/m));
  return Object.fromEntries(
    [...stage.matchAll(/^\s*(?:ENV\s+)?(MALLOC_\w+)=(\S+?)\s*\\?$/gm)].map((m) => [m[1], m[2]]),
  );
}

/** `serve` from the compiled harness `file` with `env`, in its own process; its memory sampled every second. */
async function exporterProcess(file: string, env: Record<string, string>) {
  const child = fork(file, [JSON.stringify(env)], {
    // As the image runs it: plain node. fork() otherwise passes on this process's flags, which under
    // `npm run bench` load tsx's loader (a thread of its own and every module's source: ~35 MB).
    execArgv: [],
    env: { ...process.env, ...imageMallocEnv() },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const samples: NodeJS.MemoryUsage[] = [];
  let ended: (end: ServerEnd) => void;
  const end = new Promise<ServerEnd>((resolve) => (ended = resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { url?: string; memory?: NodeJS.MemoryUsage } & Partial<ServerEnd>) => {
      if (m.url) resolve(m.url);
      else if (m.memory) samples.push(m.memory);
      else ended(m as ServerEnd);
    });
    child.once('exit', (code) => reject(new Error(`the exporter exited with ${code} before listening`)));
  });
  return {
    url,
    samples,
    /** Ends the load: the collection's state and the event loop's stalls, then the process closes. */
    stop: async (): Promise<ServerEnd> => {
      child.send('stop');
      const e = await end;
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
      return e;
    },
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
  };
}

/** A dashboard query's route: its path, plus `by` for series (each `by` reads different tables). */
function route(p: string): string {
  const url = new URL(p, 'http://x');
  const by = url.searchParams.get('by');
  return url.pathname.replace('/api/v1', '') + (by ? `?by=${by}` : '');
}

/** p99 latency per route. */
function p99ByRoute(t: { latencies_ms: number[]; paths: string[] }): Record<string, number> {
  const by = new Map<string, number[]>();
  t.paths.forEach((p, i) => (by.get(route(p)) ?? by.set(route(p), []).get(route(p))!).push(t.latencies_ms[i]));
  return Object.fromEntries([...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, xs]) => [k, pct(xs, 99)]));
}

export async function run(): Promise<Record<string, unknown>> {
  const sim = await simulator();
  const compiling = compiledHarness('_load-serve.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const dbPath = path.join(dir, 'load.db');
  const startMs = Date.now();
  await promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    path.join(__dirname, '_api-seed.ts'),
    dbPath,
    String(startMs),
  ]);
  console.error(`seeded ${USERS} users × 90 days in ${Math.round((Date.now() - startMs) / 1000)} s`);
  const server = await exporterProcess(await compiling, {
    CURSOR_ADMIN_API_KEY: 'key_sim_admin',
    CURSOR_API_URL: sim.url,
    DATABASE_PATH: dbPath,
    PORT: '0',
    HOST: '127.0.0.1',
    API_TOKEN,
    METRICS_TOKEN,
    INITIAL_BACKFILL_DAYS: '30',
    LOG_LEVEL: 'warn',
  });
  try {
    const spec = {
      url: server.url,
      apiToken: API_TOKEN,
      metricsToken: METRICS_TOKEN,
      scrapesPerS: 10,
      queriesPerS: 20,
      seconds: SECONDS,
      paths: dashboardPaths(Date.now()),
    };
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(__dirname, '_load-client.ts'), JSON.stringify(spec)],
        { maxBuffer: 64 * 2 ** 20 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    const end = await server.stop();
    const { samples } = server;
    const { collecting, runs, events } = end;
    const r = JSON.parse(out) as Record<
      'scrapes' | 'queries',
      { latencies_ms: number[]; paths: string[]; failures: number[] }
    >;
    const rss = samples.map((m) => m.rss / 2 ** 20);
    const steady = rss.slice(Math.floor(rss.length / 2));
    const peak = samples[rss.indexOf(Math.max(...steady), Math.floor(rss.length / 2))];
    const mb = (x: number) => Math.round(x / 2 ** 20);
    // Growth after warm-up: the steady half's last 10 samples against its first 10.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const growth = mean(steady.slice(-10)) - mean(steady.slice(0, 10));
    const figures = {
      seconds: SECONDS,
      users: USERS,
      simulated_users: SIMULATED_USERS,
      collection_running_at_end: collecting,
      events_stored_at_end: events,
      collection_runs: runs,
      scrapes: r.scrapes.latencies_ms.length,
      scrape_errors: r.scrapes.failures.length,
      scrape_p50_ms: pct(r.scrapes.latencies_ms, 50),
      scrape_p99_ms: pct(r.scrapes.latencies_ms, 99),
      queries: r.queries.latencies_ms.length,
      query_errors: r.queries.failures.length,
      query_p50_ms: pct(r.queries.latencies_ms, 50),
      query_p95_ms: pct(r.queries.latencies_ms, 95),
      query_p99_ms: pct(r.queries.latencies_ms, 99),
      query_p99_ms_by_route: p99ByRoute(r.queries),
      event_loop_delay_p99_ms: end.stallP99Ms,
      event_loop_delay_max_ms: end.stallMaxMs,
      server_cpu_s: end.cpuS,
      rss_steady_max_mb: Math.round(Math.max(...steady)),
      rss_steady_growth_mb: Math.round(growth),
      rss_max_mb: Math.round(Math.max(...rss)),
      rss_steady_peak_split_mb: {
        heap_used: mb(peak.heapUsed),
        heap_total: mb(peak.heapTotal),
        external: mb(peak.external),
        array_buffers: mb(peak.arrayBuffers),
        outside_heap: mb(peak.rss - peak.heapTotal - peak.external),
      },
      load_avg_at_end: os.loadavg().map((x) => Math.round(x * 100) / 100),
      failures: [...new Set([...r.scrapes.failures, ...r.queries.failures])],
    };
    console.log(
      `load for ${SECONDS} s during a collection (${events.toLocaleString()} events stored so far, still collecting: ${collecting}): ` +
        `${figures.scrapes} scrapes (${figures.scrape_errors} errors, p99 ${figures.scrape_p99_ms} ms), ${figures.queries} dashboard queries ` +
        `(${figures.query_errors} errors, p95 ${figures.query_p95_ms} ms, p99 ${figures.query_p99_ms} ms); RSS steady max ${figures.rss_steady_max_mb} MB ` +
        `(growth ${figures.rss_steady_growth_mb} MB), max ${figures.rss_max_mb} MB; event loop held up to ${figures.event_loop_delay_max_ms} ms; server CPU ${figures.server_cpu_s} s; p99 by route ${JSON.stringify(figures.query_p99_ms_by_route)}`,
    );
    return figures;
  } finally {
    server.kill();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
