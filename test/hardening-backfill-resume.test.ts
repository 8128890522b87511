/**
 * An interrupted `backfill --days N` run again resumes from its watermark instead of fetching the
 * N days again, and ends with exactly the database one uninterrupted backfill leaves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CallTally } from '../exporter/src/collect/call-tally';
import { createCollector, type RunResult } from '../exporter/src/collect/runner';
import { createCursorClient } from '../exporter/src/cursor/client';
import { startSimulator } from '../exporter/src/simulator/server';
import { EtagsRepo } from '../exporter/src/store/etags';
import { Store } from '../exporter/src/store';
import { openDb, type Db } from '../exporter/src/store/db';
import { dumpData } from './collector-helpers';

jest.setTimeout(120_000);

const END_DAY = '2026-03-10';
const NOW = Date.parse(`${END_DAY}T09:20:00.000Z`);
const DAYS = 12;
const FAST = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };
const EVENTS = '/teams/filtered-usage-events';

const eventCalls = (r: RunResult): number => Object.values(r.apiCalls[EVENTS] ?? {}).reduce((a, b) => a + b, 0);

describe('backfill resume', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  const dbs: Db[] = [];

  beforeAll(async () => {
    sim = await startSimulator({
      users: 25,
      seed: 12,
      historyDays: 20,
      endDay: END_DAY,
      scenario: 'default',
      port: 0,
      host: '127.0.0.1',
      now: () => NOW,
      limits: SIM_FAST,
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-resume-'));
  });
  afterAll(async () => {
    for (const db of dbs) db.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function collector(db: Db) {
    const calls = new CallTally();
    const api = createCursorClient({
      adminKey: 'key_sim_admin',
      baseUrl: sim.url,
      userAgent: 'test',
      limits: FAST,
      onCall: calls.record,
      etagCache: new EtagsRepo(db),
    });
    return createCollector({ store: new Store(db), api, calls, now: () => NOW });
  }

  function open(name: string): Db {
    const db = openDb(path.join(dir, name));
    dbs.push(db);
    return db;
  }

  it('a second backfill fetches only the days the first did not commit', async () => {
    const reference = open('reference.db');
    const whole = await collector(reference).run({ kind: 'backfill', days: DAYS });
    expect(whole.status).toBe('ok');

    const db = open('resumed.db');
    const first = collector(db);
    // Stop (gracefully, at the next commit) once half of the day windows are in.
    const stopped = await first.run({
      kind: 'backfill',
      days: DAYS,
      onProgress: (p) => void (p.window > DAYS / 2 && first.stop()),
    });
    expect(stopped.status).not.toBe('ok');
    const committed = db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get() as number;
    expect(committed).toBeGreaterThan(0);

    const notCommittedDays = Math.ceil(
      (NOW - (db.prepare("SELECT value_ms FROM watermarks WHERE stream = 'usage_events'").pluck().get() as number)) /
        86_400_000,
    );
    const again = await collector(db).run({ kind: 'backfill', days: DAYS });
    expect(again.status).toBe('ok');
    // The windows already committed are not fetched again: about half of the whole backfill's calls
    // (the 2 h overlap may cost one window; pages the stopped run read ahead were not committed).
    expect(eventCalls(again)).toBeLessThanOrEqual(notCommittedDays + 2);
    expect(eventCalls(again)).toBeLessThan(eventCalls(whole) - 3);
    expect(dumpData(db)).toEqual(dumpData(reference));
  });

  it('a backfill reaching further back than what is stored still fetches the older days', async () => {
    const db = open('extend.db');
    const short = await collector(db).run({ kind: 'backfill', days: 3 });
    expect(short.status).toBe('ok');
    const longer = await collector(db).run({ kind: 'backfill', days: DAYS });
    expect(longer.status).toBe('ok');
    expect(eventCalls(longer)).toBeGreaterThanOrEqual(DAYS);
    const reference = dumpData(dbs[0]);
    const dump = dumpData(db);
    expect(dump.usage_events).toEqual(reference.usage_events);
    expect(dump.usage_daily).toEqual(reference.usage_daily);
  });
});
