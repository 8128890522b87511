/**
 * Storage trouble during a collection. A disk that fills up mid-run (SQLite's max_page_count gives
 * the same SQLITE_FULL as a full file system) fails the run with one error naming DATABASE_PATH,
 * loses nothing committed, and the run after it completes to exactly the uninterrupted database.
 * Twenty SIGKILLs at random points of the collecting process, then a clean run: the same.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CallTally } from '../exporter/src/collect/call-tally';
import { createCollector } from '../exporter/src/collect/runner';
import { createCursorClient } from '../exporter/src/cursor/client';
import { HOUR_MS } from '../exporter/src/domain/time';
import { createLogger } from '../exporter/src/logger';
import { startSimulator } from '../exporter/src/simulator/server';
import { EtagsRepo } from '../exporter/src/store/etags';
import { Store } from '../exporter/src/store';
import { openDb, type Db } from '../exporter/src/store/db';
import { dumpData } from './collector-helpers';

jest.setTimeout(240_000);

const END_DAY = '2026-03-10';
const NOW = Date.parse(`${END_DAY}T15:30:00.000Z`);
const DAYS = 10;
const FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };
const ROOT = path.resolve(__dirname, '..');

describe('storage trouble and kills during collection', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  let reference: ReturnType<typeof dumpData>;

  function collector(db: Db, logger?: ReturnType<typeof createLogger>) {
    const calls = new CallTally();
    const api = createCursorClient({
      adminKey: 'key_sim_admin',
      baseUrl: sim.url,
      userAgent: 'test',
      limits: FAST,
      onCall: calls.record,
      etagCache: new EtagsRepo(db, () => NOW),
    });
    return createCollector({
      store: new Store(db),
      api,
      calls,
      now: () => NOW,
      logger,
      options: { initialBackfillDays: DAYS, windowMs: 6 * HOUR_MS },
    });
  }

  beforeAll(async () => {
    sim = await startSimulator({
      users: 40,
      seed: 5,
      historyDays: 12,
      endDay: END_DAY,
      scenario: 'default',
      port: 0,
      host: '127.0.0.1',
      now: () => NOW,
      limits: SIM_FAST,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-storage-'));
    const db = openDb(path.join(dir, 'reference.db'));
    expect((await collector(db).run()).status).toBe('ok');
    reference = dumpData(db);
    db.close();
  });
  afterAll(async () => {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a disk filling up mid-run: one error naming DATABASE_PATH, nothing committed lost, the next run completes', async () => {
    const file = path.join(dir, 'full.db');
    const db = openDb(file);
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) }),
    });
    // Room for the team and a few windows of events, not for the whole backfill.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 60}`);
    const full = await collector(db, logger).run();
    expect(full.status).not.toBe('ok');
    const storageErrors = full.errors.filter((e) => e.message.includes(`DATABASE_PATH=${file}`));
    expect(storageErrors.length).toBeGreaterThan(0);
    expect(storageErrors[0].message).toMatch(/the disk is full \[SQLITE_FULL\]/);
    // Later steps are skipped rather than failing one by one on the same full disk.
    expect(lines.filter((l) => l.level >= 50 && l.msg.includes('disk is full')).length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.msg === 'collect step failed')).toEqual([]);
    const kept = db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get() as number;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(reference.usage_events.length);

    // Space again: the next run resumes and nothing is lost or doubled.
    db.pragma('max_page_count = 1073741823');
    expect((await collector(db).run()).status).toBe('ok');
    expect(dumpData(db)).toEqual(reference);
    db.close();
  });

  it('twenty SIGKILLs at random points of a collecting process, then a clean run, equal one uninterrupted run', async () => {
    const file = path.join(dir, 'killed.db');
    // A seeded generator: the same kill points on every run of the test.
    let seed = 20260310;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const run = (killAfterPages: number | null) =>
      new Promise<{ killed: boolean; out: string }>((resolve, reject) => {
        // node --import tsx, not the tsx CLI: the CLI relays to a grandchild that SIGKILL would not reach.
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'collector-crash-child.ts')], {
          cwd: ROOT,
          env: {
            ...process.env,
            SIM_URL: sim.url,
            DB_PATH: file,
            NOW_MS: String(NOW),
            BACKFILL_DAYS: String(DAYS),
            WINDOW_MS: String(6 * HOUR_MS),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let killed = false;
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (killAfterPages !== null && !killed && (out.match(/^page /gm)?.length ?? 0) >= killAfterPages) {
            killed = true;
            process.kill(child.pid!, 'SIGKILL');
          }
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) =>
          !killed && code !== 0 ? reject(new Error(`child exited ${code}: ${out}`)) : resolve({ killed, out }),
        );
      });
    let landed = 0;
    for (let i = 0; i < 20; i++) {
      // Early pages mostly: each run resumes where the last commit left it, so later runs are short.
      const { killed } = await run(1 + Math.floor(random() * 4));
      if (killed) landed++;
    }
    expect(landed).toBeGreaterThanOrEqual(15); // the kills landed mid-run, or the test proves little
    const last = await run(null);
    expect(last.out).toMatch(/done ok \[\]/);
    const db = openDb(file);
    try {
      expect(dumpData(db)).toEqual(reference);
    } finally {
      db.close();
    }
  });
});
