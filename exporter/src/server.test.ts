/**
 * The one-shot commands' bodies against the simulator: `collect`/`backfill` (collectOnce) and `detect`
 * (detectOnce) open the store here, collect, and run the same detection cycle serve runs after each collection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectOnce, detectOnce, serve } from './server';
import { startSimulator } from './simulator/server';
import { Store } from './store';
import { StoreOpenError } from './store/db';

jest.setTimeout(60_000);
let sim: Awaited<ReturnType<typeof startSimulator>>;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sim = await startSimulator({ users: 12, seed: 5, historyDays: 5, scenario: 'none', port: 0, host: '127.0.0.1' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commands-'));
  env = {
    CURSOR_ADMIN_API_KEY: 'key_sim_admin',
    CURSOR_ANALYTICS_API_KEY: 'key_sim_admin',
    CURSOR_API_URL: sim.url,
    DATABASE_PATH: path.join(dir, 'exporter.db'),
    LOG_LEVEL: 'silent',
  };
});
afterAll(async () => {
  await sim?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('collectOnce and detectOnce', () => {
  it('collect, then detection over what it wrote; detect runs the next detection pass on the same store', async () => {
    const steps: string[] = [];
    const { run, detection } = await collectOnce(
      { kind: 'backfill', days: 3, onProgress: () => void (steps.length === 0 && steps.push('progress')) },
      { env, onCollected: () => steps.push('collected') },
    );
    expect(run.status).toBe('ok');
    expect(run.rowsWritten.usage_events).toBeGreaterThan(0);
    expect(steps).toEqual(['progress', 'collected']);

    const again = await detectOnce(env);
    expect(again.runId).toBe(detection.runId + 1);
    const store = Store.open(env.DATABASE_PATH as string);
    try {
      expect(store.runs.list().map((r) => r.kind)).toEqual(['backfill']);
      expect(store.findings.listRuns().map((r) => [r.id, r.status, r.findings])).toEqual([
        [again.runId, 'ok', again.findings],
        [detection.runId, 'ok', detection.findings],
      ]);
    } finally {
      store.close();
    }
  });

  it('detect refuses a database that does not exist instead of creating an empty one', async () => {
    const missing = path.join(dir, 'typo.db');
    await expect(detectOnce({ ...env, DATABASE_PATH: missing })).rejects.toBeInstanceOf(StoreOpenError);
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe('serve shutdown', () => {
  it('ends a collection that is retrying an unreachable Cursor API instead of waiting out its retries', async () => {
    const file = path.join(dir, 'shutdown.db');
    const handle = await serve({
      env: {
        ...env,
        CURSOR_API_URL: 'http://127.0.0.1:9',
        DATABASE_PATH: file,
        API_TOKEN: 'shutdown-test-token-0123456789',
      },
      listen: false,
      // Long backoffs: without the shutdown signal the first step alone would retry for minutes.
      client: { backoff: { baseMs: 20_000, capMs: 20_000 } },
    });
    await handle.close();
    await handle.firstCycle;
    const store = Store.open(file);
    try {
      const [run] = store.runs.list(1);
      expect(run.status).toBe('failed');
      expect(run.errors.length).toBeGreaterThan(0);
      for (const e of run.errors) expect(e.message).toMatch(/shutting down|stopped by shutdown/);
    } finally {
      store.close();
    }
  });
});
