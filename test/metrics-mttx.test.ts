/**
 * One MTTx definition: /metrics (cursor_incident_mtt*_seconds) and the JSON API (/incidents/mttx)
 * read the same incidents through incidents/mttx.ts and must report the same numbers, also after
 * the API itself acknowledges and resolves an incident.
 */
import type { FastifyInstance } from 'fastify';
import { apiPlugin } from '../exporter/src/api';
import { buildApp } from '../exporter/src/app';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../exporter/src/domain/time';
import { createMetricsService, type MetricsService } from '../exporter/src/metrics/service';
import { MTTX_WINDOW_MS } from '../exporter/src/metrics/mttx';
import { Store } from '../exporter/src/store';
import { openDb, type Db } from '../exporter/src/store/db';
import { parseExposition, sampleValue } from './helpers/prometheus';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const TOKEN = 'api-token-for-mttx-test';

interface Stamps {
  onset: number;
  detected: number;
  alerted?: number;
  acked?: number;
  resolved?: number;
}

function insert(db: Db, detector: string, t: Stamps): number {
  const status = t.resolved ? 'resolved' : t.acked ? 'acknowledged' : t.alerted ? 'alerted' : 'detected';
  return Number(
    db
      .prepare(
        `INSERT INTO incidents (key, detector, severity, subject, email, day, message, value, threshold, unit, status,
           onset_ms, detected_ms, alerted_ms, acknowledged_ms, resolved_ms, first_run, last_seen_run, updated_ms)
         VALUES (?, ?, 'warning', 'user', 'alice@acme.dev', '2026-03-09', 'm', 1, 1, 'usd', ?, ?, ?, ?, ?, ?, 1, 1, ?)`,
      )
      .run(
        `${detector}:${t.detected}`,
        detector,
        status,
        t.onset,
        t.detected,
        t.alerted ?? null,
        t.acked ?? null,
        t.resolved ?? null,
        NOW,
      ).lastInsertRowid,
  );
}

describe('MTTx: /metrics agrees with the JSON API', () => {
  let db: Db;
  let app: FastifyInstance;
  let metrics: MetricsService;
  let base: string;
  let openId: number;

  beforeAll(async () => {
    db = openDb(':memory:');
    const h = (n: number) => NOW - n * HOUR_MS;
    // Alerted 1 h after onset, acked 10 min later, resolved 4 h after onset.
    insert(db, 'spend_spike', {
      onset: h(10),
      detected: h(9.5),
      alerted: h(9),
      acked: h(9) + 10 * MINUTE_MS,
      resolved: h(6),
    });
    // Alerted 2 h after onset, never acknowledged, auto-resolved 3 h after onset.
    insert(db, 'zscore', { onset: h(8), detected: h(7), alerted: h(6), resolved: h(5) });
    // Never alerted (below the notification floor): counts only for MTTR.
    insert(db, 'zscore', { onset: h(5), detected: h(4), resolved: h(2) });
    // A silence set up ahead acknowledged it before the alert: no MTTI.
    insert(db, 'cost_per_request', { onset: h(3), detected: h(2.5), acked: h(2.4), alerted: h(2) });
    // Detected before the 30-day window: in neither figure.
    insert(db, 'zscore', {
      onset: NOW - MTTX_WINDOW_MS - 2 * DAY_MS,
      detected: NOW - MTTX_WINDOW_MS - DAY_MS,
      alerted: NOW - MTTX_WINDOW_MS,
      resolved: NOW - MTTX_WINDOW_MS + HOUR_MS,
    });
    // Open, alerted 30 min after onset: acknowledged and resolved through the API in the test.
    openId = insert(db, 'spend_spike', { onset: h(1.5), detected: h(1.25), alerted: h(1) });

    metrics = createMetricsService(new Store(db), { now: () => NOW });
    const api = async (root: FastifyInstance) => {
      await root.register(apiPlugin, {
        prefix: '/api/v1',
        store: new Store(db),
        nowMs: () => NOW,
        auth: { mode: 'on', token: TOKEN },
      });
    };
    app = await buildApp({ metrics, ready: () => true, plugins: [api] });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    db.close();
  });

  const headers = { authorization: `Bearer ${TOKEN}` };
  async function both() {
    await metrics.rebuild();
    const s = parseExposition(await (await fetch(`${base}/metrics`)).text());
    const res = await fetch(`${base}/api/v1/incidents/mttx?from=${NOW - MTTX_WINDOW_MS}&to=${NOW}`, { headers });
    expect(res.status).toBe(200);
    const { rows } = (await res.json()) as {
      rows: {
        detector: string;
        incidents: number;
        mttd_minutes: number | null;
        mtti_minutes: number | null;
        mttr_minutes: number | null;
      }[];
    };
    const all = rows.find((r) => r.detector === 'all')!;
    const seconds = (m: number | null) => (m === null ? Number.NaN : m * 60);
    return {
      metrics: {
        d: sampleValue(s, 'cursor_incident_mttd_seconds'),
        i: sampleValue(s, 'cursor_incident_mtti_seconds'),
        r: sampleValue(s, 'cursor_incident_mttr_seconds'),
      },
      api: { d: seconds(all.mttd_minutes), i: seconds(all.mtti_minutes), r: seconds(all.mttr_minutes) },
    };
  }

  function expectAgree(x: Awaited<ReturnType<typeof both>>) {
    for (const k of ['d', 'i', 'r'] as const) {
      if (Number.isNaN(x.api[k])) expect(x.metrics[k]).toBeNaN();
      else expect(x.metrics[k]).toBeCloseTo(x.api[k], 6);
    }
  }

  it('reports the same MTTD, MTTI and MTTR, with the documented definitions', async () => {
    const x = await both();
    expectAgree(x);
    // MTTD = alerted − onset over the four alerted incidents in the window: 1 h, 2 h, 1 h, 0.5 h.
    expect(x.metrics.d).toBe(((1 + 2 + 1 + 0.5) / 4) * 3600);
    // MTTI = acknowledged − alerted: only the first incident qualifies.
    expect(x.metrics.i).toBe(600);
    // MTTR = resolved − onset: 4 h, 3 h, 3 h.
    expect(x.metrics.r).toBe(((4 + 3 + 3) / 3) * 3600);
  });

  it('still agrees after the API acknowledges and resolves an incident', async () => {
    // The API stamps NOW: acknowledged 1 h after the alert, resolved 1.5 h after onset.
    expect((await fetch(`${base}/api/v1/incidents/${openId}/acknowledge`, { method: 'POST', headers })).status).toBe(
      200,
    );
    expect((await fetch(`${base}/api/v1/incidents/${openId}/resolve`, { method: 'POST', headers })).status).toBe(200);
    const x = await both();
    expectAgree(x);
    expect(x.metrics.i).toBe((600 + 3600) / 2);
    expect(x.metrics.r).toBe(((4 + 3 + 3 + 1.5) / 4) * 3600);
  });
});
