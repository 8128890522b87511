/**
 * The whole alert loop with the real Debian binaries: simulator → exporter (serve) → Prometheus
 * (scrape + an alert rule on cursor_anomaly_open) → Alertmanager → webhook back into the exporter,
 * which stamps the incidents "alerted"; then an Alertmanager silence acknowledges an incident.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator } from '../exporter/src/simulator/server';
import type { ServeHandle } from '../exporter/src/server';
import { ALERTMANAGER_BIN, startAlertmanager, type AlertmanagerHandle } from './helpers/alertmanager';
import { serveLoopExporter, stopAll } from './helpers/loop-exporter';
import {
  binaryAvailable,
  freePort,
  PROMETHEUS_BIN,
  startPrometheus,
  type PrometheusHandle,
} from './helpers/prometheus';

const END_DAY = '2026-03-31';
const NOW = Date.parse(`${END_DAY}T12:00:00.000Z`);
const API_TOKEN = 'alert-stack-api-token-0123456789';
const WEBHOOK_TOKEN = 'alert-stack-webhook-token-0123456789';

const RULES = `groups:
  - name: cursor-anomalies
    interval: 1s
    rules:
      - alert: CursorUsageAnomaly
        expr: cursor_anomaly_open > 0
        annotations:
          summary: '{{ $labels.detector }} for {{ $labels.user }}{{ $labels.group }}'
`;

function alertmanagerConfig(exporterPort: number): string {
  return `route:
  receiver: exporter
  group_by: [alertname, detector, subject, user, group]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: exporter
    webhook_configs:
      - url: http://127.0.0.1:${exporterPort}/api/v1/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: ${WEBHOOK_TOKEN}
`;
}

interface IncidentRow {
  id: number;
  detector: string;
  subject: string;
  email: string | null;
  group: string | null;
  status: string;
  alerted: number | null;
  acknowledged: number | null;
}

const run = binaryAvailable(PROMETHEUS_BIN) && binaryAvailable(ALERTMANAGER_BIN) ? describe : describe.skip;

run('alert loop with the real Prometheus and Alertmanager', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let am: AlertmanagerHandle;
  let prom: PrometheusHandle;
  let handle: ServeHandle;
  let dir: string;
  /** Open incidents right after the first detection, before Prometheus exists. */
  let initial: IncidentRow[] = [];

  const api = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${handle.url}/api/v1${p}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const openIncidents = async () => (await api<{ rows: IncidentRow[] }>('/incidents?status=open')).rows;

  beforeAll(async () => {
    sim = await startSimulator({
      users: 60,
      seed: 42,
      historyDays: 40,
      endDay: END_DAY,
      scenario: 'default',
      port: 0,
      host: '127.0.0.1',
      now: () => NOW,
      limits: { admin: 100_000, usageEvents: 100_000, analytics: 100_000 },
    });
    const exporterPort = await freePort();
    am = await startAlertmanager(alertmanagerConfig(exporterPort));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-stack-'));
    handle = await serveLoopExporter({
      simulatorUrl: sim.url,
      dir,
      port: exporterPort,
      apiToken: API_TOKEN,
      webhookToken: WEBHOOK_TOKEN,
      now: () => NOW,
      env: { ALERTMANAGER_URL: am.url },
    });
    await handle.firstCycle;
    initial = await openIncidents();
    prom = await startPrometheus(`127.0.0.1:${exporterPort}`, { rules: RULES, alertmanager: am.hostPort });
  }, 60_000);

  afterAll(() => stopAll([prom, handle, am, sim], dir), 60_000);

  it('Alertmanager notifications stamp the open incidents alerted, and MTTD is measured', async () => {
    const before = initial;
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((i) => i.alerted === null)).toBe(true);

    await prom.waitFor('ALERTS{alertname="CursorUsageAnomaly",alertstate="firing"}', (v) => v.length === before.length);
    const deadline = Date.now() + 20_000;
    let rows = before;
    while (Date.now() < deadline && rows.some((i) => i.alerted === null)) {
      await new Promise((r) => setTimeout(r, 250));
      rows = await openIncidents();
    }
    expect(rows.filter((i) => i.alerted === null).map((i) => i.id)).toEqual([]);
    expect(rows.every((i) => i.status === 'alerted')).toBe(true);

    // MTTD runs from the anomaly's onset in the data to Alertmanager's notification.
    const q = `?from=${NOW - 40 * 86_400_000}&to=${NOW + 86_400_000}`;
    const mttx = await api<{ rows: { detector: string; incidents: number; mttd_minutes: number | null }[] }>(
      `/incidents/mttx${q}`,
    );
    const overall = mttx.rows.find((r) => r.detector === 'all');
    expect(overall?.incidents).toBe(rows.length);
    expect(overall?.mttd_minutes).toBeGreaterThan(0);
  });

  it('a matching Alertmanager silence acknowledges the incident at the next detection', async () => {
    const [target, ...others] = await openIncidents();
    const matchers = [{ name: 'detector', value: target.detector }];
    if (target.subject === 'user') matchers.push({ name: 'user', value: target.email ?? '' });
    else if (target.subject === 'group') matchers.push({ name: 'group', value: target.group ?? '' });
    else matchers.push({ name: 'subject', value: 'team' });
    await am.silence(matchers, `acknowledging ${target.detector}`);

    await handle.pipeline.runCycle();
    const after = await openIncidents();
    const acked = after.find((i) => i.id === target.id);
    expect(acked?.status).toBe('acknowledged');
    expect(acked?.acknowledged).not.toBeNull();
    // Incidents no silence covers stay as they were.
    for (const o of others) expect(after.find((i) => i.id === o.id)?.status).toBe('alerted');
  });
});
