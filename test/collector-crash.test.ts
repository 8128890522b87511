/**
 * Crash safety: a collection killed with SIGKILL at several points, then a clean run, must leave
 * exactly the database one uninterrupted run leaves (compared table by table).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HOUR_MS } from '../exporter/src/domain/time';
import { startSimulator } from '../exporter/src/simulator/server';
import { openDb } from '../exporter/src/store/db';
import { dumpData } from './collector-helpers';

jest.setTimeout(180_000);

const END_DAY = '2026-03-10';
const NOW = Date.parse(`${END_DAY}T15:30:00.000Z`);
const SIM_FAST = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };
const ROOT = path.resolve(__dirname, '..');

type KillAt = { afterPages: number } | { afterMs: number } | null;

describe('collector crash safety', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;

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
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collector-crash-'));
  });
  afterAll(async () => {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the child; resolves with whether it was killed, and its output. */
  function runChild(dbPath: string, killAt: KillAt): Promise<{ killed: boolean; out: string }> {
    return new Promise((resolve, reject) => {
      // node --import tsx, not the tsx CLI: the CLI relays to a grandchild that SIGKILL would not reach.
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'collector-crash-child.ts')], {
        cwd: ROOT,
        env: {
          ...process.env,
          SIM_URL: sim.url,
          DB_PATH: dbPath,
          NOW_MS: String(NOW),
          BACKFILL_DAYS: '10',
          WINDOW_MS: String(6 * HOUR_MS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let killed = false;
      const kill = () => {
        if (!killed && child.exitCode === null) {
          killed = true;
          child.kill('SIGKILL');
        }
      };
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (killAt && 'afterPages' in killAt && (out.match(/^page /gm)?.length ?? 0) >= killAt.afterPages) kill();
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      if (killAt && 'afterMs' in killAt) setTimeout(kill, killAt.afterMs);
      child.on('error', reject);
      child.on('exit', (code) => {
        if (!killed && code !== 0) reject(new Error(`child exited ${code}: ${out}`));
        else resolve({ killed, out });
      });
    });
  }

  function dump(dbPath: string) {
    const db = openDb(dbPath);
    try {
      return dumpData(db);
    } finally {
      db.close();
    }
  }

  let reference: ReturnType<typeof dumpData>;

  it('one uninterrupted run (the reference)', async () => {
    const file = path.join(dir, 'reference.db');
    const { out } = await runChild(file, null);
    expect(out).toMatch(/done ok \[\]/);
    reference = dump(file);
    expect(reference.usage_events.length).toBeGreaterThan(1000);
    expect(reference.watermarks.length).toBe(12); // usage events (where its range ends and starts), daily usage, nine analytics endpoints
  });

  it.each<[string, KillAt]>([
    ['after the first page', { afterPages: 1 }],
    ['mid-way through the windows', { afterPages: 17 }],
    ['near the end of the windows', { afterPages: 38 }],
    ['after a short random delay', { afterMs: 400 + Math.floor(Math.random() * 1200) }],
  ])('killed %s, then a clean run, equals the reference', async (_name, killAt) => {
    const file = path.join(dir, `kill-${Math.random().toString(36).slice(2)}.db`);
    const first = await runChild(file, killAt);
    const second = await runChild(file, null);
    expect(second.out).toMatch(/done ok \[\]/);
    const got = dump(file);
    for (const table of Object.keys(reference) as (keyof typeof reference)[]) {
      expect({ table, rows: got[table].length }).toEqual({ table, rows: reference[table].length });
      expect(got[table]).toEqual(reference[table]);
    }
    // The kill must have landed while the run was still going, or this case proves nothing.
    if ('afterPages' in killAt!) expect(first.killed).toBe(true);
  });
});
