/**
 * Child process for collector-crash.test.ts: one collection against the simulator at SIM_URL into
 * DB_PATH with a fixed clock, printing a line after every usage-events page so the parent can
 * SIGKILL it at chosen points. Not a test by itself.
 */
import { createCollector } from '../exporter/src/collect/runner';
import { CallTally } from '../exporter/src/collect/call-tally';
import { createCursorClient } from '../exporter/src/cursor/client';
import { EtagsRepo } from '../exporter/src/store/etags';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';

async function main(): Promise<void> {
  const env = process.env;
  const nowMs = Number(env.NOW_MS);
  const db = openDb(env.DB_PATH!);
  const calls = new CallTally();
  const api = createCursorClient({
    adminKey: 'key_sim_admin',
    baseUrl: env.SIM_URL!,
    userAgent: 'crash-test',
    etagCache: new EtagsRepo(db, () => nowMs),
    onCall: calls.record,
    limits: { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 },
  });
  const collector = createCollector({
    store: new Store(db),
    api,
    calls,
    now: () => nowMs,
    options: { initialBackfillDays: Number(env.BACKFILL_DAYS), windowMs: Number(env.WINDOW_MS) },
  });
  const result = await collector.run({
    onProgress: (p) => process.stdout.write(`page ${p.pagesDone} window ${p.window}\n`),
  });
  process.stdout.write(`done ${result.status} ${JSON.stringify(result.errors)}\n`);
  db.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
