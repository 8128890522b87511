/**
 * Failures every step would repeat stop the run at the first one: an unreachable CURSOR_API_URL
 * (one step's retries, not fourteen) and a rejected key (one clear error, not a warning per step).
 * Long fetches log their progress, so a first `collect` is not silent for a minute.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createCollectorStack } from '../exporter/src/collect/create';
import { COLLECTORS } from '../exporter/src/collect/registry';
import { loadConfig } from '../exporter/src/config';
import { createLogger } from '../exporter/src/logger';
import { startSimulator } from '../exporter/src/simulator/server';
import { Store } from '../exporter/src/store';
import { openDb, type Db } from '../exporter/src/store/db';
import { freePort } from './helpers/prometheus';

jest.setTimeout(60_000);

const END_DAY = '2026-03-10';
const NOW = Date.parse(`${END_DAY}T09:20:00.000Z`);
const FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function capture() {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c)) as LogLine), cb()) }),
  });
  return { lines, logger };
}

const callCount = (apiCalls: Record<string, Record<string, number>>) =>
  Object.values(apiCalls).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);

describe('upstream failures', () => {
  let dir: string;
  let db: Db;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-upstream-'));
    sim = await startSimulator({
      users: 30,
      seed: 8,
      historyDays: 12,
      endDay: END_DAY,
      scenario: 'none',
      port: 0,
      host: '127.0.0.1',
      now: () => NOW,
      limits: SIM_FAST,
    });
  });
  beforeEach(() => {
    db = openDb(path.join(dir, `${expect.getState().currentTestName?.replace(/\W+/g, '-')}.db`));
  });
  afterEach(() => db.close());
  afterAll(async () => {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("an unreachable CURSOR_API_URL fails after one step's retries and skips the rest", async () => {
    const port = await freePort(); // nothing listens there: connection refused
    const { lines, logger } = capture();
    const slept: number[] = [];
    const config = loadConfig({ CURSOR_ADMIN_API_KEY: 'key_sim_admin', CURSOR_API_URL: `http://127.0.0.1:${port}` });
    const run = await createCollectorStack({
      store: new Store(db),
      config,
      logger,
      now: () => NOW,
      client: { limits: FAST, sleep: async (ms) => void slept.push(ms) },
    }).run();
    expect(run.status).toBe('failed');
    // The first step's 1 + 4 attempts, then nothing: before, each step retried (~130 s for 14 steps).
    expect(run.apiCalls).toEqual({ '/teams/members': { '0': 5 } });
    expect(slept).toHaveLength(4);
    expect(run.errors).toHaveLength(COLLECTORS.length);
    expect(run.errors.slice(1).every((e) => /Cursor API unreachable.*CURSOR_API_URL/.test(e.message))).toBe(true);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toMatch(/unreachable.*CURSOR_API_URL/);
    // The only warnings are the first step's retries.
    expect(lines.filter((l) => l.level === 40).map((l) => `${l.msg} ${String(l.endpoint)}`)).toEqual(
      Array(4).fill('cursor api: retrying GET /teams/members'),
    );
  });

  it('a rejected key is one clear error and a stop, not a warning per step', async () => {
    const { lines, logger } = capture();
    const config = loadConfig({ CURSOR_ADMIN_API_KEY: 'key_wrong_0123456789', CURSOR_API_URL: sim.url });
    const run = await createCollectorStack({
      store: new Store(db),
      config,
      logger,
      now: () => NOW,
      client: { limits: FAST },
    }).run();
    expect(run.status).toBe('failed');
    expect(callCount(run.apiCalls)).toBe(1);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toMatch(/Cursor rejected the API key \(HTTP 401.*check CURSOR_ADMIN_API_KEY/);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain('key_wrong_0123456789');
  });

  it('with a separate analytics key, a rejected analytics key stops only the analytics steps', async () => {
    const { lines, logger } = capture();
    const config = loadConfig({
      CURSOR_ADMIN_API_KEY: 'key_sim_admin',
      CURSOR_ANALYTICS_API_KEY: 'key_wrong_analytics',
      CURSOR_API_URL: sim.url,
      INITIAL_BACKFILL_DAYS: '2',
    });
    const run = await createCollectorStack({
      store: new Store(db),
      config,
      logger,
      now: () => NOW,
      client: { limits: FAST },
    }).run();
    expect(run.status).toBe('partial');
    expect(
      Object.entries(run.steps)
        .filter(([, s]) => !s.ok)
        .map(([name]) => name)
        .every((n) => n.startsWith('analytics:')),
    ).toBe(true);
    expect(Object.keys(run.apiCalls).filter((e) => e.startsWith('/analytics/'))).toHaveLength(1);
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([
      expect.stringMatching(/rejected the API key.*CURSOR_ANALYTICS_API_KEY/),
    ]);
  });

  it('a first collection logs that it started and how the usage-event fetch progresses', async () => {
    const { lines, logger } = capture();
    const config = loadConfig({
      CURSOR_ADMIN_API_KEY: 'key_sim_admin',
      CURSOR_API_URL: sim.url,
      INITIAL_BACKFILL_DAYS: '10',
    });
    const stack = createCollectorStack({
      store: new Store(db),
      config,
      logger,
      now: () => NOW,
      client: { limits: FAST },
      collect: { windowEvents: 0 },
    });
    const run = await stack.run();
    expect(run.status).toBe('ok');
    expect(lines[0]).toMatchObject({ msg: 'collection started', kind: 'backfill', days: 10 });
    // Logged at most every PROGRESS_LOG_MS: this fast run may log none, so the interval is shortened below.
    const quick = capture();
    const db2 = openDb(path.join(dir, 'progress2.db'));
    try {
      const { createCollector } = await import('../exporter/src/collect/runner');
      const { createCursorClient } = await import('../exporter/src/cursor/client');
      const api = createCursorClient({ adminKey: 'key_sim_admin', baseUrl: sim.url, userAgent: 'test', limits: FAST });
      await createCollector({
        store: new Store(db2),
        api,
        now: () => NOW,
        logger: quick.logger,
        progressLogMs: 0,
        options: { initialBackfillDays: 10 },
      }).run();
    } finally {
      db2.close();
    }
    const progress = quick.lines.filter((l) => l.msg === 'usage events: fetching');
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toMatchObject({
      windows: 10,
      pages: expect.any(Number),
      events: expect.any(Number),
      eta: expect.any(String),
    });
  });
});
