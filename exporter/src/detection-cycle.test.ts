import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runDetectionCycle, type DetectFn } from './detection-cycle';
import { DEFAULT_SETTINGS } from './detect/settings';
import type { DetectionResult, Finding } from './detect/types';
import { usdToMicro } from './domain/money';
import { addDays } from './domain/time';
import { finding } from './incidents/testing';
import { updateSettings } from './settings/detection-settings';
import { Store } from './store';
import type { Db } from './store/db';
import { addUsageDaily } from './store/usage-daily';

const H = 3_600_000;
const T0 = Date.parse('2026-03-10T12:00:00Z');
let store: Store;
let db: Db;
beforeEach(() => {
  store = Store.open(':memory:');
  db = store.db;
});
afterEach(() => store.close());

function result(findings: Finding[]): DetectionResult {
  return {
    findings,
    signals: findings.map((f) => ({
      detector: f.detector,
      email: f.email,
      groupId: f.groupId,
      value: f.value,
      threshold: f.threshold,
    })),
    forecasts: [],
    burn: [],
    savings: {
      cycleStartDay: '2026-03-01',
      teamMedianPerRequestMicro: 1,
      teamP90PerRequestMicro: 2,
      totalMicro: 0,
      users: [],
    },
  };
}
/** A scripted detection pass: run i returns script[i]. */
function scripted(script: Finding[][]): DetectFn {
  let i = 0;
  return () => result(script[Math.min(i++, script.length - 1)]);
}

describe('runDetectionCycle', () => {
  it('persists every finding, keeps incidents for notifiable ones, and auto-resolves with the saved setting', async () => {
    updateSettings(store, { autoResolveAfterRuns: 2 });
    const quiet = finding({
      key: 'zscore:bob@example.com',
      detector: 'zscore',
      email: 'bob@example.com',
      notify: false,
      unit: 'sigma',
    });
    const detect = scripted([[finding(), quiet], [], [], [finding()]]);

    const r1 = await runDetectionCycle(store, { nowMs: T0, detect });
    expect(r1).toMatchObject({
      findings: 2,
      notifiable: 1,
      openIncidents: 1,
      silences: null,
      digests: { planExhaustion: 'disabled' },
    });
    expect(r1.opened).toHaveLength(1);
    const stored = store.findings.list();
    expect(stored.map((f) => [f.key, f.notify, f.incidentId])).toEqual([
      ['spend_spike:alice@example.com', true, r1.opened[0]],
      ['zscore:bob@example.com', false, null],
    ]);
    expect(store.findings.list({ notify: false })).toHaveLength(1);
    expect((db.prepare('SELECT COUNT(*) AS n FROM signals').get() as { n: number }).n).toBe(2);
    expect(store.findings.latestOutput('savings')?.value.teamP90PerRequestMicro).toBe(2);

    await runDetectionCycle(store, { nowMs: T0 + H, detect });
    expect((db.prepare('SELECT COUNT(*) AS n FROM signals').get() as { n: number }).n).toBe(0); // latest only
    const r3 = await runDetectionCycle(store, { nowMs: T0 + 2 * H, detect });
    expect(r3.resolved).toEqual(r1.opened);
    const r4 = await runDetectionCycle(store, { nowMs: T0 + 3 * H, detect });
    expect(r4.opened).toHaveLength(1);
    expect(r4.opened[0]).not.toBe(r1.opened[0]);

    const runs = store.findings.listRuns();
    expect(runs.map((r) => [r.status, r.findings, r.opened, r.resolved, r.openAfter])).toEqual([
      ['ok', 1, 1, 0, 1],
      ['ok', 0, 0, 1, 0],
      ['ok', 0, 0, 0, 1],
      ['ok', 2, 1, 0, 1],
    ]);
    expect(store.incidents.list().map((i) => i.status)).toEqual(['detected', 'resolved']);
  });

  it('prunes findings of runs older than the retention, keeping incidents', async () => {
    const detect = scripted([[finding()]]);
    const day = 86_400_000;
    const runsWithFindings = () => db.prepare('SELECT DISTINCT run_id FROM findings ORDER BY run_id').pluck().all();
    const r1 = await runDetectionCycle(store, { nowMs: T0, detect, clock: () => T0 });
    await runDetectionCycle(store, { nowMs: T0 + 29 * day, detect, clock: () => T0 + 29 * day });
    expect(runsWithFindings()).toEqual([r1.runId, r1.runId + 1]);
    const r3 = await runDetectionCycle(store, { nowMs: T0 + 31 * day, detect, clock: () => T0 + 31 * day });
    // The first run started 31 days before the third: its findings go, the later ones stay.
    expect(runsWithFindings()).toEqual([r1.runId + 1, r3.runId]);
    expect(store.findings.listRuns()).toHaveLength(3);
    expect(store.incidents.list()).toHaveLength(1);
  });

  it('uses explicit settings over the saved ones', async () => {
    updateSettings(store, { autoResolveAfterRuns: 5 });
    const detect = scripted([[finding()], []]);
    await runDetectionCycle(store, { nowMs: T0, detect });
    const r = await runDetectionCycle(store, {
      nowMs: T0 + H,
      detect,
      settings: { ...DEFAULT_SETTINGS, autoResolveAfterRuns: 1 },
    });
    expect(r.resolved).toHaveLength(1);
  });

  it('records a failed run and writes nothing else when detection throws', async () => {
    const boom: DetectFn = () => {
      throw new Error('facts unavailable');
    };
    await expect(runDetectionCycle(store, { nowMs: T0, detect: boom })).rejects.toThrow('facts unavailable');
    expect(store.findings.listRuns()).toEqual([
      expect.objectContaining({ status: 'failed', error: 'facts unavailable' }),
    ]);
    expect(store.incidents.list()).toEqual([]);
  });

  it('reports an unreachable Alertmanager without failing the cycle', async () => {
    const r = await runDetectionCycle(store, {
      nowMs: T0,
      detect: scripted([[finding()]]),
      notify: { alertmanagerUrl: 'http://127.0.0.1:1' },
    });
    expect(r.silences).toEqual({ error: expect.stringMatching(/^Alertmanager silences request failed/) });
    expect(r.openIncidents).toBe(1);
  });

  it('acknowledges from silences and posts due digests in the same cycle', async () => {
    const posts: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/api/v2/silences') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify([
              {
                id: 's1',
                status: { state: 'active' },
                matchers: [{ name: 'user', value: 'alice@example.com', isRegex: false }],
                startsAt: '2026-03-10T12:30:00Z',
                endsAt: '2026-03-11T00:00:00Z',
              },
            ]),
          );
        } else {
          posts.push(JSON.parse(body).text);
          res.end('ok');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(
        Date.parse('2026-03-01T00:00:00Z'),
        Date.parse('2026-03-12T00:00:00Z'),
      );
      const r = await runDetectionCycle(store, {
        nowMs: T0 + H,
        detect: scripted([[finding()]]),
        notify: { alertmanagerUrl: base, slackWebhookUrl: `${base}/services/hook` },
      });
      expect(r.silences).toEqual({ activeSilences: 1, acknowledged: r.opened });
      // The silence predates the incident, so it acknowledges at detection time, not before.
      expect(store.incidents.list()[0]).toMatchObject({ status: 'acknowledged', acknowledgedMs: T0 + H });
      expect(r.digests).toMatchObject({ planExhaustion: 'none_exhausted', cycleSummary: 'sent' });
      expect(posts).toEqual(['Cursor cycle summary: $0.00 spent, cycle ends 2026-03-11']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('runs the real detection pass over the store and opens an incident for a spike', async () => {
    db.prepare('INSERT INTO members (email, name, role, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, 0, 0)').run(
      'alice@example.com',
      'Alice',
      'member',
    );
    db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(
      Date.parse('2026-03-01T00:00:00Z'),
      Date.parse('2026-04-01T00:00:00Z'),
    );
    const usage = (day: string, model: string, events: number, usd: number) => ({
      day,
      email: 'alice@example.com',
      model,
      events,
      requests: events,
      charged_micro: usdToMicro(usd),
    });
    addUsageDaily(db, [
      ...Array.from({ length: 14 }, (_, d) => usage(addDays('2026-03-01', d), 'gpt-5', 20, 8)),
      usage('2026-03-15', 'claude-4-opus-max', 60, 400),
    ]);
    const r = await runDetectionCycle(store, { nowMs: Date.parse('2026-03-15T18:00:00Z') });
    const spike = store.findings.list({ detector: 'spend_spike' });
    expect(spike).toHaveLength(1);
    expect(spike[0]).toMatchObject({ email: 'alice@example.com', notify: true, day: '2026-03-15' });
    expect(r.opened.length).toBeGreaterThanOrEqual(1);
    expect(store.incidents.list({ detector: 'spend_spike' })).toEqual([
      expect.objectContaining({ status: 'detected', email: 'alice@example.com' }),
    ]);
    // The days the pass read are packed for the next one (store/usage-day-packs.ts), even for a worker's pass.
    expect(store.usageDayPacks.unpacked('2026-01-01', '2026-03-15')).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) FROM usage_day_packs').pluck().get()).toBe(15);
    const worker: DetectFn = () => result([]);
    addUsageDaily(db, [usage('2026-03-15', 'gpt-5', 1, 1)]);
    await runDetectionCycle(store, { nowMs: Date.parse('2026-03-15T19:00:00Z'), detect: worker });
    expect(store.usageDayPacks.unpacked('2026-03-01', '2026-03-15')).toEqual([]);
  });
});
