import { loadConfig } from './config';
import { DAY_MS } from './domain/time';
import { serve, type ServeHandle } from './server';
import { startSimulator } from './simulator/server';

/** The demo team: big enough for group and anomaly views, small enough to backfill in seconds. */
export const DEMO = { users: 60, seed: 42, historyDays: 60, key: 'key_sim_admin' } as const;
// The simulator and the client both get generous limits: a demo should not wait on Cursor's pacing.
const CLIENT_LIMITS = { default: 10_000, usageEvents: 10_000, analyticsTeam: 10_000 };
const SIMULATOR_LIMITS = { admin: 10_000, usageEvents: 10_000, analytics: 10_000 };

/**
 * `npm run demo`: the simulator in-process on a free loopback port, and the exporter pointed at it
 * with a 60-day backfill. Honours PORT, HOST (default 127.0.0.1) and DATABASE_PATH (default
 * ./data/demo.db, so a real database is never mixed with simulated data).
 */
export async function runDemo(env: NodeJS.ProcessEnv = process.env): Promise<ServeHandle> {
  loadConfig(env); // fail on a bad PORT & co. before starting anything
  const sim = await startSimulator({
    users: DEMO.users,
    seed: DEMO.seed,
    historyDays: DEMO.historyDays,
    scenario: 'default',
    port: 0,
    host: '127.0.0.1',
    limits: SIMULATOR_LIMITS,
  });
  let handle: ServeHandle;
  try {
    handle = await serve({
      env: {
        ...env,
        // Loopback unless HOST is set: the demo's API has no auth without API_TOKEN.
        HOST: env.HOST?.trim() || '127.0.0.1',
        CURSOR_API_URL: sim.url,
        CURSOR_ADMIN_API_KEY: DEMO.key,
        CURSOR_ANALYTICS_API_KEY: DEMO.key,
        DATABASE_PATH: env.DATABASE_PATH || './data/demo.db',
        INITIAL_BACKFILL_DAYS: String(DEMO.historyDays),
      },
      client: { limits: CLIENT_LIMITS },
      // A newcomer's first look needs no token; with API_TOKEN set the demo enforces it like serve.
      defaultApiAuth: 'off',
    });
  } catch (err) {
    await sim.close();
    throw err;
  }
  const base = (handle.url ?? '').replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  process.stdout.write(
    [
      '',
      `Cursor usage exporter demo: ${DEMO.users} simulated users, ${DEMO.historyDays} days of history, a few injected anomalies.`,
      `  metrics   ${base}/metrics`,
      `  health    ${base}/healthz   ready: ${base}/readyz (ready once the first backfill finishes, a few seconds)`,
      `  API docs  ${base}/docs`,
      // Grafana always sends from/to (ms); a human gets a ready-made 30-day example.
      `  JSON API  ${base}/api/v1/tables/top-spenders?from=${Date.now() - 30 * DAY_MS}&to=${Date.now()}`,
      `  simulator ${sim.url} (key ${DEMO.key})`,
      `  database  ${handle.config.databasePath}`,
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const close = handle.close.bind(handle);
  handle.close = async () => {
    await close();
    await sim.close();
  };
  return handle;
}
