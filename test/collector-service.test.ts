/**
 * The service end to end: refusal without a key, clear config errors, readiness around the first
 * collection, run records, and no key in any log line.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createLogger } from '../exporter/src/logger';
import { serve, type ServeHandle } from '../exporter/src/server';
import { startSimulator } from '../exporter/src/simulator/server';

jest.setTimeout(60_000);
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const ADMIN_KEY = `key_${'Q7w'.repeat(21)}x`;
const ANALYTICS_KEY = `crsr_${'m4N'.repeat(21)}z`; // not accepted by the simulator: analytics steps fail
const API_TOKEN = 'api-token-for-tests-0123456789';

describe('serve', () => {
  it('refuses to serve the JSON API without API_TOKEN unless API_AUTH=off is explicit', async () => {
    const env = { CURSOR_ADMIN_API_KEY: ADMIN_KEY, DATABASE_PATH: path.join(os.tmpdir(), `never-${process.pid}.db`) };
    await expect(serve({ env })).rejects.toThrow(/API_TOKEN is not set.*API_AUTH=off/s);
    await expect(serve({ env: { ...env, API_AUTH: 'on' }, defaultApiAuth: 'off' })).rejects.toThrow(
      /API_TOKEN is not set/,
    );
    expect(fs.existsSync(env.DATABASE_PATH)).toBe(false);
  });

  it('refuses to start without CURSOR_ADMIN_API_KEY and points to the demo', async () => {
    await expect(serve({ env: {} })).rejects.toThrow(/CURSOR_ADMIN_API_KEY is not set.*npm run demo/s);
    const cli = run(process.execPath, ['--import', 'tsx', 'exporter/src/main.ts', 'serve'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
    });
    await expect(cli).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/npm run demo/) });
  });

  it('reports each bad variable clearly and starts nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-cfg-'));
    const env = {
      CURSOR_ADMIN_API_KEY: ADMIN_KEY,
      PORT: 'eighty',
      COLLECT_INTERVAL: 'often',
      DATABASE_PATH: path.join(dir, 'x.db'),
    };
    const err = await serve({ env }).catch((e: Error) => e);
    expect(String(err)).toContain("PORT='eighty' is invalid: expected an integer from 0 to 65535");
    expect(String(err)).toContain("COLLECT_INTERVAL='often' is invalid");
    expect(String(err)).not.toContain(ADMIN_KEY);
    expect(fs.existsSync(env.DATABASE_PATH)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('against the simulator', () => {
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    let handle: ServeHandle;
    let dir: string;
    const lines: string[] = [];

    beforeAll(async () => {
      // Latency makes the first collection take a few seconds, so /readyz is observably 503 first.
      sim = await startSimulator({
        users: 15,
        seed: 3,
        historyDays: 5,
        scenario: 'none',
        port: 0,
        host: '127.0.0.1',
        keys: [ADMIN_KEY],
        faults: { latencyMs: 150 },
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-sim-'));
      const destination = new Writable({
        write(chunk, _e, cb) {
          lines.push(String(chunk));
          cb();
        },
      });
      handle = await serve({
        env: {
          CURSOR_ADMIN_API_KEY: ADMIN_KEY,
          CURSOR_ANALYTICS_API_KEY: ANALYTICS_KEY,
          CURSOR_API_URL: sim.url,
          DATABASE_PATH: path.join(dir, 'serve.db'),
          PORT: '0',
          HOST: '127.0.0.1',
          INITIAL_BACKFILL_DAYS: '3',
          LOG_LEVEL: 'debug',
          API_TOKEN,
        },
        logger: createLogger({ level: 'debug', secrets: [ADMIN_KEY, ANALYTICS_KEY, API_TOKEN], destination }),
        client: { maxRetries: 0, limits: { default: 10_000, usageEvents: 10_000, analyticsTeam: 10_000 } },
      });
    });
    afterAll(async () => {
      await handle?.close();
      await sim?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('is live at once, ready after the first collection, records the run, and never logs a key', async () => {
      const get = (p: string) => fetch(handle.url + p);
      expect((await get('/healthz')).status).toBe(200);
      expect((await get('/readyz')).status).toBe(503);
      await handle.firstCycle;
      expect((await get('/readyz')).status).toBe(200);
      // The JSON API is mounted and protected by API_TOKEN.
      expect((await get('/api/v1/health')).status).toBe(401);
      const health = await fetch(`${handle.url}/api/v1/health`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect(health.status).toBe(200);
      expect(((await health.json()) as { auth: string }).auth).toBe('on');

      const [r] = handle.store.runs.list();
      expect(r.status).toBe('partial'); // analytics rejected the analytics key
      expect(r.rowsWritten.usage_events).toBeGreaterThan(0);
      expect(r.errors.map((e) => e.step)).toContain('analytics:dau');
      expect(r.apiCalls['/teams/members']).toEqual({ 200: 1 });

      const metrics = await (await get('/metrics')).text();
      expect(metrics).toMatch(/^cursor_exporter_last_collect_timestamp_seconds \d/m);

      const log = lines.join('');
      expect(log).toContain('collection finished');
      expect(log).toContain('collect step failed');
      for (const secret of [ADMIN_KEY, ANALYTICS_KEY, Buffer.from(`${ADMIN_KEY}:`).toString('base64')]) {
        expect(log).not.toContain(secret);
        expect(JSON.stringify(r.errors)).not.toContain(secret);
      }
    });
  });
});
