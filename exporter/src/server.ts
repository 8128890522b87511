/**
 * The composition root: the one place that opens the store, hands its repositories out and wires the
 * process. Every command goes through here: `serve` (and the demo) runs the cycle on a schedule,
 * `collect`/`backfill` run it once, `detect` runs its detection part once.
 *
 * The cycle, in order (cyclePipeline below): collect → detect → incidents → notify → metrics → API cache.
 */
import helmet from '@fastify/helmet';
import fastifySchedule from '@fastify/schedule';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { AsyncTask, SimpleIntervalJob } from 'toad-scheduler';
import { createCollectorStack } from './collect/create';
import type { CollectOptions } from './collect/context';
import { CollectorBusyError, type Collector, type RunRequest, type RunResult } from './collect/runner';
import { buildApp } from './app';
import { ConfigError, configSecrets, loadConfig, type Config } from './config';
import type { CursorClientOptions } from './cursor/client';
import { apiPlugin } from './api';
import { ApiContext } from './api/context';
import { ReadModel } from './queries/read-model';
import { docsPlugin } from './api/docs';
import { warmApiCache } from './api/warm';
import { detectInWorker } from './detect-in-worker';
import { packDays, runDetectionCycle, type DetectFn, type DetectionCycleResult } from './detection-cycle';
import { createLogger, type Logger } from './logger';
import { createMetricsService, type MetricsService } from './metrics/service';
import { Pipeline } from './pipeline';
import { Store } from './store';

export const MISSING_KEY_MESSAGE =
  'CURSOR_ADMIN_API_KEY is not set: the exporter needs a Cursor Admin API key (Cursor dashboard → API Keys) to collect. ' +
  'To try it without a key, run `npm run demo` (a simulated 60-person team).';

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  /** JSON API auth when API_AUTH is not set explicitly ('off' for demo without API_TOKEN). */
  defaultApiAuth?: 'on' | 'off';
  logger?: Logger;
  client?: Partial<CursorClientOptions>;
  collect?: Partial<CollectOptions>;
  now?: () => number;
  /** Skip listening (tests use app.inject). */
  listen?: boolean;
}

export interface ServeHandle {
  app: FastifyInstance;
  store: Store;
  config: Config;
  collector: Collector;
  pipeline: Pipeline;
  metrics: MetricsService;
  /** Resolves when the first collection at start has finished (whatever its status). */
  firstCycle: Promise<void>;
  url: string | undefined;
  close(): Promise<void>;
}

/** Config, with the refusal to run without a key: shared by serve, collect and backfill. */
export function loadServiceConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = loadConfig(env);
  if (!config.adminApiKey) throw new ConfigError([MISSING_KEY_MESSAGE]);
  return config;
}

/** API_AUTH as configured, or the caller's default when the variable is unset. */
function apiAuthMode(config: Config, env: NodeJS.ProcessEnv, fallback: 'on' | 'off'): 'on' | 'off' {
  const explicit = env.API_AUTH?.trim();
  const mode = explicit ? config.env.API_AUTH : config.env.API_TOKEN ? 'on' : fallback;
  if (mode === 'on' && !config.env.API_TOKEN) {
    throw new ConfigError([
      'API_TOKEN is not set: the JSON API requires a bearer token. Set API_TOKEN (e.g. `openssl rand -hex 32`), or API_AUTH=off to serve it without auth behind a trusted proxy.',
    ]);
  }
  return mode;
}

/** Whether HOST only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The JSON API can change settings and groups, so without auth it stays on loopback unless the
 * operator chose API_AUTH=off explicitly; even then a non-loopback interface is warned about.
 * Returns the warning to log, if any.
 */
export function checkApiExposure(host: string, authMode: 'on' | 'off', env: NodeJS.ProcessEnv): string | undefined {
  if (authMode === 'on' || isLoopbackHost(host)) return undefined;
  if (!env.API_AUTH?.trim()) {
    throw new ConfigError([
      `HOST=${host} is reachable from the network but the JSON API would run without auth (no API_TOKEN): anyone who can reach it could change settings and groups. ` +
        'Set API_TOKEN (e.g. `openssl rand -hex 32`), or HOST=127.0.0.1, or API_AUTH=off to accept an open API on this interface.',
    ]);
  }
  return `API_AUTH=off on HOST=${host}: the JSON API (settings, groups, incidents) accepts changes from anyone who can reach this interface; keep it behind a trusted proxy or set API_TOKEN`;
}

/** A failed listen as a configuration problem naming PORT/HOST (the usual cause: another exporter or demo running). */
function listenFailure(config: Config, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  const at = `PORT=${config.port} on HOST=${config.host}`;
  if (code === 'EADDRINUSE')
    return new ConfigError([
      `${at} is already in use (another exporter or \`npm run demo\` still running?): stop it or set PORT to a free port`,
    ]);
  if (code === 'EACCES')
    return new ConfigError([`${at}: permission denied (ports below 1024 need privileges): set PORT to 1024 or above`]);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new ConfigError([
      `HOST=${config.host} is not an address of this machine: use 0.0.0.0 (every interface) or 127.0.0.1`,
    ]);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Where the detection pass runs: a worker thread over the store file, so ~2 s of facts loading and
 * detectors (10,000 people) never hold the event loop; in process for ':memory:', which a worker
 * cannot open (runDetectionCycle's default).
 */
function detectionPass(config: Config, signal?: AbortSignal): DetectFn | undefined {
  return config.databasePath === ':memory:' ? undefined : detectInWorker(config.databasePath, { signal });
}

/** One detection pass (findings, incidents, silences, digests) notifying where the config says: serve, collect and detect share it. */
function detectionCycle(
  store: Store,
  config: Config,
  nowMs: number,
  shutdown?: AbortSignal,
): Promise<DetectionCycleResult> {
  return runDetectionCycle(store, {
    nowMs,
    detect: detectionPass(config, shutdown),
    notify: {
      slackWebhookUrl: config.env.SLACK_WEBHOOK_URL,
      dashboardUrl: config.env.DASHBOARD_URL,
      alertmanagerUrl: config.env.ALERTMANAGER_URL,
    },
  });
}

/**
 * The cycle, in order. Each step after the collection runs even when the one before it failed (the
 * Pipeline isolates them): a broken detector must not freeze the metrics.
 */
function cyclePipeline(
  parts: { store: Store; config: Config; collector: Collector; metrics: MetricsService; api: ApiContext },
  logger: Logger,
  now: () => number,
  shutdown: AbortSignal,
): Pipeline {
  const { store, config, collector, metrics, api } = parts;
  return new Pipeline(
    collector,
    logger,
    [
      // detect → incidents → notify (detection-cycle.ts): findings and incidents in one transaction, then
      // acknowledgements from Alertmanager silences and the Slack digests.
      { name: 'detection', run: async () => void (await detectionCycle(store, config, now(), shutdown)) },
      // Publish what the collection and detection wrote.
      { name: 'metrics', run: (r) => metrics.rebuild({ collectors: r.steps }) },
      // Last: every write above emptied the API's read cache (at once: warming rechecks the store); warm
      // it so the next dashboard load starts cached.
      { name: 'api-cache-warm', run: () => warmApiCache(api) },
    ],
    shutdown,
  );
}

/** A line before a schema upgrade, which can take a while on a large store (~5 s a million events for migration 22). */
const logUpgrade = (logger: Logger) => (from: number, to: number) =>
  logger.info(
    { from, to },
    `upgrading the database schema from version ${from} to ${to}: one transaction per version, so stopping is safe and the next start resumes`,
  );

/** One collection (or backfill) outside the server, then detection: `collect` and `backfill`. */
export async function collectOnce(
  req: RunRequest & { kind: 'collect' | 'backfill' },
  opts: { env?: NodeJS.ProcessEnv; onCollected?: () => void } = {},
): Promise<{ run: RunResult; detection: DetectionCycleResult }> {
  const config = loadServiceConfig(opts.env);
  const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const store = Store.open(config.databasePath, { onUpgrade: logUpgrade(logger) });
  store.checkpointInBackground();
  try {
    const run = await createCollectorStack({ store, config, logger }).run(req);
    opts.onCollected?.();
    return { run, detection: await detectionCycle(store, config, Date.now()) };
  } finally {
    store.close();
  }
}

/** One detection pass over the stored data: `detect`. Never creates a database (a mistyped path would report 0 findings). */
export async function detectOnce(env: NodeJS.ProcessEnv = process.env): Promise<DetectionCycleResult> {
  const config = loadConfig(env);
  const store = Store.open(config.databasePath, { mustExist: true });
  try {
    return await detectionCycle(store, config, Date.now());
  } finally {
    store.close();
  }
}

/** How long close() waits for requests, the collection and the cycle under way to end. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The long-running exporter: validates config, opens the store, serves HTTP, runs a first
 * collection right away (a backfill of INITIAL_BACKFILL_DAYS on an empty database) and then one
 * every COLLECT_INTERVAL, never two at once.
 */
export async function serve(opts: ServeOptions = {}): Promise<ServeHandle> {
  const env = opts.env ?? process.env;
  const config = loadServiceConfig(env);
  const authMode = apiAuthMode(config, env, opts.defaultApiAuth ?? 'on');
  const now = opts.now ?? Date.now;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const exposure = checkApiExposure(config.host, authMode, env);
  if (exposure) logger.warn(exposure);
  const store = Store.open(config.databasePath, { onUpgrade: logUpgrade(logger) });
  store.checkpointInBackground();
  // Aborted by close(): ends the Cursor requests, waits and detection pass under way, so a shutdown
  // during a collection that is retrying an unreachable API takes moments, not the retry budget.
  const shutdown = new AbortController();
  // Packing the days without packs, one pass at a time: at start (beside the first collection) and
  // after each collect step, so a backfill's daily usage is read from packs while its usage events
  // take hours (unpacked, every window read its 30 days from their rows: ~1M rows per 10 s in
  // bench/load). A step that ends during a pass leaves its days to the pass before detection. Packing
  // every 10 s instead, within steps too, held more memory (README, bench/load).
  let packingNow = false;
  const packInTurn = async (): Promise<number> => {
    if (packingNow) return 0;
    packingNow = true;
    try {
      return await packDays(store, shutdown.signal);
    } finally {
      packingNow = false;
    }
  };
  const collector = createCollectorStack({
    store,
    config,
    logger,
    now: opts.now,
    client: { ...opts.client, signal: shutdown.signal },
    collect: opts.collect,
    afterStep: packInTurn,
  });
  const metrics = createMetricsService(store, {
    now: opts.now,
    maxSeries: config.env.METRICS_MAX_SERIES,
    hashUsers: config.env.METRICS_HASH_USERS === 'true',
  });
  const apiContext = new ApiContext(
    store,
    new ReadModel(store, { lagMs: config.env.API_CACHE_LAG_SECONDS * 1000, clock: now }),
    now,
  );
  const pipeline = cyclePipeline({ store, config, collector, metrics, api: apiContext }, logger, now, shutdown.signal);
  await metrics.rebuild(); // serve what the store already holds from the first scrape on

  let inflight: Promise<void> = Promise.resolve();
  const cycle = (): Promise<void> => {
    inflight = pipeline.runCycle().then(
      () => undefined,
      (err: unknown) => {
        // Busy = a run in another process (`collect`, `backfill`) holds the lease: skip this tick.
        if (err instanceof CollectorBusyError) logger.warn(err.message);
        else logger.error({ err }, 'collection cycle failed');
      },
    );
    return inflight;
  };

  const api: FastifyPluginAsync = async (root) => {
    await root.register(docsPlugin, { token: authMode === 'on' ? config.env.API_TOKEN : undefined });
    await root.register(apiPlugin, {
      prefix: '/api/v1',
      store,
      nowMs: now,
      context: apiContext,
      auth: { mode: authMode, token: config.env.API_TOKEN },
      alertmanagerToken: config.env.ALERTMANAGER_WEBHOOK_TOKEN,
    });
  };
  const app = await buildApp({
    metrics,
    metricsToken: config.env.METRICS_TOKEN,
    logger,
    ready: () => pipeline.cyclesCompleted > 0,
    // helmet first: security headers on every response (CSP, nosniff, no framing…); it is not
    // encapsulated, so it covers the core routes and the API registered after it. No CORS plugin:
    // browsers reach the API through Grafana's proxy, never cross-origin.
    plugins: [helmet as unknown as FastifyPluginAsync, api],
  });
  await app.register(fastifySchedule);
  await app.ready();
  app.scheduler.addSimpleIntervalJob(
    new SimpleIntervalJob(
      { milliseconds: config.collectIntervalMs, runImmediately: false },
      new AsyncTask('collect', cycle, (err) => logger.error({ err }, 'scheduled collection failed')),
      { id: 'collect', preventOverrun: true },
    ),
  );
  let url: string | undefined;
  try {
    url = opts.listen === false ? undefined : await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    store.close();
    throw listenFailure(config, err);
  }
  if (url) logger.info({ url }, 'exporter listening');
  // Days without a pack (a store from before packs, or a backfill by the CLI) are read from their
  // rows until packed: pack them now, beside the first collection, rather than after it.
  const started = Date.now();
  const packing = packInTurn().then(
    (days) => days > 0 && logger.info({ days, ms: Date.now() - started }, 'packed the days with usage'),
    (err: unknown) => logger.warn({ err }, 'packing the days with usage failed; they are read from their rows'),
  );
  const firstCycle = cycle();

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    config,
    collector,
    pipeline,
    metrics,
    firstCycle,
    url,
    close() {
      closing ??= (async () => {
        // The abort ends the Cursor requests and waits under way (the run stops at its next commit
        // boundary), keeps the pipeline from starting another hook, and ends a detection pass in its
        // worker (it only reads). The hook under way finishes before the store closes.
        shutdown.abort(new Error('the exporter is shutting down'));
        const waits = { requests: true, collection: true, cycle: true };
        const drained = Promise.all([
          app.close().then(() => void (waits.requests = false)),
          collector.stop().then(() => void (waits.collection = false)),
          Promise.all([inflight, packing]).then(() => void (waits.cycle = false)),
        ]);
        // Bounded, as a supervisor's grace period is: what still runs after it fails on the closed store
        // (every write is a transaction, so nothing half-written stays), and the log names it.
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS, true)));
        const late = await Promise.race([drained.then(() => false), graceOver]);
        clearTimeout(timer);
        if (late) {
          drained.catch(() => undefined);
          const still = Object.keys(waits).filter((k) => waits[k as keyof typeof waits]);
          logger.error(
            { still },
            `shutdown: ${still.join(', ')} still running after ${SHUTDOWN_GRACE_MS} ms; closing the store anyway`,
          );
        }
        store.close();
      })();
      return closing;
    },
  };
}
