/**
 * The exporter as the alerting-loop tests run it (alert-stack, stack-loop): serving a simulator's
 * team from a store in the test's directory, on a loopback port chosen beforehand because
 * Alertmanager's config names it, with the API and webhook tokens set and the client's rate limits
 * lifted. And their teardown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serve, type ServeHandle } from '../../exporter/src/server';

const NO_RATE_LIMITS = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };

export interface LoopExporterOptions {
  simulatorUrl: string;
  dir: string;
  port: number;
  apiToken: string;
  webhookToken: string;
  now: () => number;
  /** Added to the environment. */
  env?: NodeJS.ProcessEnv;
}

export function serveLoopExporter(o: LoopExporterOptions): Promise<ServeHandle> {
  return serve({
    env: {
      CURSOR_ADMIN_API_KEY: 'key_sim_admin',
      CURSOR_API_URL: o.simulatorUrl,
      DATABASE_PATH: path.join(o.dir, 'e.db'),
      PORT: String(o.port),
      HOST: '127.0.0.1',
      INITIAL_BACKFILL_DAYS: '35',
      // Errors only: a teardown that runs into close()'s grace shows the log line naming what still ran.
      LOG_LEVEL: 'error',
      API_TOKEN: o.apiToken,
      ALERTMANAGER_WEBHOOK_TOKEN: o.webhookToken,
      ...o.env,
    },
    now: o.now,
    client: { limits: NO_RATE_LIMITS },
  });
}

type Stoppable = { stop(): Promise<void> } | { close(): Promise<void> } | undefined;

/** A part slower than this to stop is named in the test's output: a teardown that times out says which part held it. */
const SLOW_STOP_MS = 5000;

/** Stops what a test started, in the order given (undefined: it never started), then removes its directory. */
export async function stopAll(parts: Stoppable[], dir: string | undefined): Promise<void> {
  for (const [i, part] of parts.entries()) {
    const started = Date.now();
    const slow = setTimeout(
      () => console.warn(`stopAll: part ${i} of the list still stopping after ${SLOW_STOP_MS} ms`),
      SLOW_STOP_MS,
    );
    try {
      await (part && 'stop' in part ? part.stop() : part?.close());
    } finally {
      clearTimeout(slow);
    }
    if (Date.now() - started > SLOW_STOP_MS) console.warn(`stopAll: part ${i} took ${Date.now() - started} ms to stop`);
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
