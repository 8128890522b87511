import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCollectorStack } from './collect/create';
import { loadConfig } from './config';
import { detectFrom } from './detect/run';
import { detectInWorker } from './detect-in-worker';
import { runDetectionCycle } from './detection-cycle';
import { loadSettings } from './settings/detection-settings';
import { startSimulator } from './simulator/server';
import { Store } from './store';

jest.setTimeout(60_000);

const END_DAY = '2026-03-10';
const NOW = Date.parse(`${END_DAY}T12:00:00Z`);
const SCENARIOS = [
  { kind: 'spend-spike' as const, email: 'kofi.wong@acme.dev', day: '2026-03-09', magnitude: 8 },
  { kind: 'cap-breach' as const, day: '2026-03-09' },
  { kind: 'model-switch' as const, day: '2026-03-03', days: 7 },
];
const FAST_SIM = { admin: 100_000, usageEvents: 100_000, analytics: 100_000 };
const FAST_CLIENT = { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 };

let dir: string;
let file: string;
let store: Store;

// A simulated team with injected anomalies, collected by the real collector into a store file.
beforeAll(async () => {
  const sim = await startSimulator({
    users: 30,
    seed: 11,
    historyDays: 45,
    endDay: END_DAY,
    scenario: SCENARIOS,
    port: 0,
    host: '127.0.0.1',
    now: () => NOW,
    limits: FAST_SIM,
  });
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-worker-'));
    file = path.join(dir, 'store.db');
    store = Store.open(file);
    const config = loadConfig({
      CURSOR_ADMIN_API_KEY: 'key_sim_admin',
      CURSOR_API_URL: sim.url,
      INITIAL_BACKFILL_DAYS: '30',
    });
    const run = await createCollectorStack({ store, config, now: () => NOW, client: { limits: FAST_CLIENT } }).run();
    if (run.status !== 'ok') throw new Error(`collection ${run.status}: ${JSON.stringify(run.errors)}`);
  } finally {
    await sim.close();
  }
});
afterAll(() => {
  store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('detectInWorker', () => {
  it('returns what the in-process pass returns over the same store', async () => {
    const settings = loadSettings(store);
    const inProcess = detectFrom(store.detectionFacts, settings, NOW);
    expect(inProcess.findings.filter((f) => f.notify).length).toBeGreaterThan(0);
    expect(await detectInWorker(file)(settings, NOW)).toEqual(inProcess);
  });

  it('feeds the detection cycle: the run persists the same findings and incidents as in process', async () => {
    const viaWorker = await runDetectionCycle(store, { nowMs: NOW, detect: detectInWorker(file) });
    const workerFindings = store.findings.list({ runId: viaWorker.runId });
    const inProcess = await runDetectionCycle(store, { nowMs: NOW });
    const processFindings = store.findings.list({ runId: inProcess.runId });
    expect(viaWorker.opened.length).toBeGreaterThan(0);
    expect(inProcess).toMatchObject({
      findings: viaWorker.findings,
      notifiable: viaWorker.notifiable,
      opened: [],
      openIncidents: viaWorker.openIncidents,
    });
    const strip = (rows: typeof workerFindings) => rows.map(({ runId: _run, ...f }) => f);
    expect(strip(processFindings)).toEqual(strip(workerFindings));
  });

  it('records a failed run when the worker cannot read the store', async () => {
    const missing = path.join(dir, 'gone.db');
    await expect(runDetectionCycle(store, { nowMs: NOW, detect: detectInWorker(missing) })).rejects.toThrow(
      'detection worker: unable to open database file',
    );
    expect(store.findings.listRuns()[0]).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^detection worker: /),
    });
  });

  it('records a failed run, and the process lives on, when the worker dies', async () => {
    // A heap cap far below what loading the detectors needs: the worker is killed out of memory.
    const starved = detectInWorker(file, {
      resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 1 },
    });
    await expect(runDetectionCycle(store, { nowMs: NOW, detect: starved })).rejects.toThrow(
      /detection worker crashed: .*memory/i,
    );
    expect(store.findings.listRuns()[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/memory/i) });
    expect((await runDetectionCycle(store, { nowMs: NOW, detect: detectInWorker(file) })).findings).toBeGreaterThan(0);
  });

  it('ends a pass under way when shutdown aborts, and starts none after it', async () => {
    const shutdown = new AbortController();
    const detect = detectInWorker(file, { signal: shutdown.signal });
    let started!: () => void;
    const underWay = new Promise<void>((resolve) => (started = resolve));
    const pass = runDetectionCycle(store, {
      nowMs: NOW,
      detect: (s, n) => {
        const p = detect(s, n);
        started();
        return p;
      },
    });
    await underWay; // the cycle packs the window's days first
    shutdown.abort();
    await expect(pass).rejects.toThrow('detection worker: ended, the exporter is shutting down');
    expect(store.findings.listRuns()[0]).toMatchObject({ status: 'failed' });
    await expect(detect(loadSettings(store), NOW)).rejects.toThrow('the exporter is shutting down');
  });
});
