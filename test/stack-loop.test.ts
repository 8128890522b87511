/**
 * The whole alerting loop with the shipped configuration and the real Debian binaries:
 * simulator (a spend spike injected on the last day) → exporter (collects, detects, /metrics) →
 * Prometheus (the shipped prometheus.yml and rules; targets on loopback, 1 s intervals) →
 * Alertmanager (the shipped routing and templates; secrets and URLs on loopback) → Slack and
 * PagerDuty stand-ins, and the exporter's own webhook, which stamps the incident "alerted".
 * Prints the latency from the anomaly appearing in /metrics to the Slack post.
 *
 * Then every Prometheus expression of every shipped dashboard runs against that Prometheus: none may
 * fail or come back empty.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, dayStartMs, HOUR_MS } from '../exporter/src/domain/time';
import { startSimulator } from '../exporter/src/simulator/server';
import type { ServeHandle } from '../exporter/src/server';
import { renderAlertmanagerConfig, renderPrometheusConfig, ROOT } from './helpers/alerting';
import { ALERTMANAGER_BIN, startAlertmanager, type AlertmanagerHandle } from './helpers/alertmanager';
import {
  binaryAvailable,
  freePort,
  parseExposition,
  PROMETHEUS_BIN,
  startPrometheusWithConfig,
  type PrometheusHandle,
} from './helpers/prometheus';
import { serveLoopExporter, stopAll } from './helpers/loop-exporter';
import { startRecorder, type Recorder } from './helpers/receivers';

const END_DAY = '2026-03-31';
const API_TOKEN = 'stack-loop-api-token-0123456789';
const WEBHOOK_TOKEN = 'stack-loop-webhook-token-0123456789';
const DASHBOARDS = path.join(ROOT, 'dashboards');

interface SlackPost {
  channel: string;
  attachments: { title: string; title_link: string; text: string }[];
}
interface PagerDutyEvent {
  routing_key: string;
  payload: { summary: string; custom_details: Record<string, string> };
  links: { href: string }[];
}
interface IncidentRow {
  id: number;
  detector: string;
  email: string | null;
  status: string;
  alerted: number | null;
}

const run = binaryAvailable(PROMETHEUS_BIN) && binaryAvailable(ALERTMANAGER_BIN) ? describe : describe.skip;

run('the alerting loop with the shipped configuration', () => {
  /** The simulated clock: the day before END_DAY until the test moves it past END_DAY. */
  let clock = dayStartMs(END_DAY) - 12 * HOUR_MS;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let handle: ServeHandle;
  let am: AlertmanagerHandle;
  let prom: PrometheusHandle;
  let rec: Recorder;
  let dir: string;
  let spiker: string;

  const api = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${handle.url}/api/v1${p}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const exposition = async () => parseExposition(await (await fetch(`${handle.url}/metrics`)).text());

  beforeAll(async () => {
    sim = await startSimulator({
      users: 60,
      seed: 7,
      historyDays: 40,
      endDay: END_DAY,
      port: 0,
      host: '127.0.0.1',
      now: () => clock,
      // 20× the user's usual day: past 3× the spike threshold (5×), so critical and paged.
      scenario: [{ kind: 'spend-spike', day: END_DAY, magnitude: 20 }],
      limits: { admin: 100_000, usageEvents: 100_000, analytics: 100_000 },
    });
    spiker = sim.sim.groundTruth.find((g) => g.kind === 'spend-spike')?.email as string;
    rec = await startRecorder();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-loop-'));
    const exporterPort = await freePort();
    am = await startAlertmanager(
      renderAlertmanagerConfig({
        secretsDir: path.join(dir, 'secrets'),
        slackUrl: `${rec.url}/slack`,
        leadSlackUrl: `${rec.url}/slack-lead`,
        pagerdutyUrl: `${rec.url}/v2/enqueue`,
        pagerdutyRoutingKey: '0123456789abcdef0123456789abcdef',
        exporterWebhookUrl: `http://127.0.0.1:${exporterPort}`,
        exporterWebhookToken: WEBHOOK_TOKEN,
        fastTimers: true,
      }),
    );
    handle = await serveLoopExporter({
      simulatorUrl: sim.url,
      dir,
      port: exporterPort,
      apiToken: API_TOKEN,
      webhookToken: WEBHOOK_TOKEN,
      now: () => clock,
    });
    await handle.firstCycle;
    prom = await startPrometheusWithConfig(
      (self) =>
        renderPrometheusConfig({ exporter: `127.0.0.1:${exporterPort}`, alertmanager: am.hostPort, prometheus: self }),
      { readyExpr: 'up{job="cursor-exporter"} == 1' },
    );
    // Alerts fired before Prometheus has found the Alertmanager wait a minute for the resend (§2.5).
    await prom.waitFor('prometheus_notifications_alertmanagers_discovered >= 1');
  }, 90_000);

  afterAll(() => stopAll([prom, handle, am, rec, sim], dir), 60_000);

  it('the spike is not visible before its day has arrived', async () => {
    expect(spiker).toMatch(/@/);
    const series = (await exposition()).filter(
      (s) => s.name === 'cursor_anomaly_value' && s.labels.user === spiker && s.labels.detector === 'spend_spike',
    );
    expect(series).toEqual([]);
  });

  it('reaches Slack and PagerDuty with user, model, amount and the drilldown link, and the exporter records "alerted"', async () => {
    clock = dayStartMs(addDays(END_DAY, 1)) + 3 * HOUR_MS;
    const cycle = handle.pipeline.runCycle();
    // The moment the anomaly becomes visible to Prometheus: its series appears in /metrics.
    let visibleAt = 0;
    let labels: Record<string, string> = {};
    const deadline = Date.now() + 60_000;
    while (!visibleAt && Date.now() < deadline) {
      const hit = (await exposition()).find(
        (s) => s.name === 'cursor_anomaly_value' && s.labels.user === spiker && s.labels.detector === 'spend_spike',
      );
      if (hit) {
        visibleAt = Date.now();
        labels = hit.labels;
      } else await new Promise((r) => setTimeout(r, 20));
    }
    await cycle;
    expect(labels).toMatchObject({ severity: 'critical', subject: 'user', unit: 'usd' });

    const isSpike = (title: string) => title.includes('CursorUserSpendSpike') && title.includes(spiker);
    const slack = await rec.waitFor((r) => r.path === '/slack' && isSpike((r.body as SlackPost).attachments[0].title));
    console.log(
      `stack loop: anomaly visible in /metrics → Slack post: ${slack.at - visibleAt} ms (scrape and evaluation every 1 s, group_wait 0s)`,
    );

    const post = (slack.body as SlackPost).attachments[0];
    const link = `http://localhost:3000/d/cursor-user/cursor-user?var-user=${encodeURIComponent(spiker)}`;
    expect(post.title_link).toBe(link);
    expect(post.text).toContain(`*User:* ${spiker}`);
    expect(post.text).toContain(`*Model:* \`${labels.model}\``);
    expect(post.text).toMatch(/\*Amount:\* \$\d+\.\d\d/);
    expect(post.text).toMatch(
      new RegExp(
        `${spiker.replace(/[.]/g, '\\.')}: daily spend \\$\\d+\\.\\d\\d, \\d+\\.\\d× their daily average of \\$\\d+\\.\\d\\d, mostly on ${labels.model}\\.`,
      ),
    );
    expect(post.text).toContain(`<${link}|Open in Grafana>`);

    const pd = await rec.waitFor(
      (r) => r.path === '/v2/enqueue' && (r.body as PagerDutyEvent).payload.custom_details.user === spiker,
    );
    const event = pd.body as PagerDutyEvent;
    expect(event.payload.summary).toMatch(/^CursorUserSpendSpike: /);
    expect(event.payload.custom_details).toMatchObject({
      user: spiker,
      model: labels.model,
      amount: expect.stringMatching(/^\$\d+\.\d\d$/),
    });
    expect(event.links[0].href).toBe(link);

    let incident: IncidentRow | undefined;
    const until = Date.now() + 20_000;
    while (Date.now() < until && !incident?.alerted) {
      const rows = (await api<{ rows: IncidentRow[] }>('/incidents?detector=spend_spike')).rows;
      incident = rows.find((i) => i.email === spiker);
      if (!incident?.alerted) await new Promise((r) => setTimeout(r, 200));
    }
    expect(incident).toMatchObject({ status: 'alerted', alerted: expect.any(Number) });
  });

  it('runs every Prometheus expression of the shipped dashboards without error and with data', async () => {
    if (!fs.existsSync(DASHBOARDS)) return; // no dashboards shipped yet: nothing to sweep
    const exprs = dashboardExpressions(DASHBOARDS, {
      user: spiker,
      group: (await prom.query('cursor_user_cycle_spend_usd'))[0].metric.group,
      model: (await prom.query('cursor_model_cycle_spend_usd'))[0].metric.model,
      detector: 'spend_spike',
    });
    expect(exprs.length).toBeGreaterThan(0);
    // increase() needs two samples: the spike's detector counter appeared with the last cycle.
    await prom.waitFor('count_over_time(cursor_incidents_opened_total{detector="spend_spike"}[1h]) >= 2');
    const failures: string[] = [];
    for (const { where, expr } of exprs) {
      try {
        if ((await prom.query(expr)).length === 0) failures.push(`${where}: no data: ${expr}`);
      } catch (err) {
        failures.push(`${where}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

interface Panel {
  title?: string;
  datasource?: { uid?: string; type?: string } | string;
  targets?: { expr?: string; datasource?: { uid?: string; type?: string } | string; hide?: boolean }[];
  panels?: Panel[];
}
interface DashboardVariable {
  name: string;
  includeAll?: boolean;
}

const isPrometheus = (ds: Panel['datasource']) =>
  ds === 'prometheus' ||
  (typeof ds === 'object' && ds !== null && (ds.uid === 'prometheus' || ds.type === 'prometheus'));

/**
 * Every Prometheus target expression of every dashboard JSON under `root`, with Grafana's variables
 * replaced: a variable matched with =~ that offers "All" becomes `.*` (what Grafana sends for All);
 * otherwise the given concrete value. Ranges become windows that hold data in a short test.
 */
function dashboardExpressions(root: string, values: Record<string, string>): { where: string; expr: string }[] {
  const files = (fs.readdirSync(root, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(root, f));
  const out: { where: string; expr: string }[] = [];
  for (const file of files) {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      panels?: Panel[];
      templating?: { list?: DashboardVariable[] };
    };
    const withAll = new Set((doc.templating?.list ?? []).filter((v) => v.includeAll).map((v) => v.name));
    const walk = (panels: Panel[]) => {
      for (const p of panels) {
        for (const t of p.targets ?? []) {
          if (!t.expr || t.hide || !isPrometheus(t.datasource ?? p.datasource)) continue;
          let expr = t.expr
            .replace(/\$__rate_interval|\$\{__rate_interval\}/g, '1m')
            .replace(/\$__interval|\$\{__interval\}/g, '15s')
            .replace(/\$__range|\$\{__range\}/g, '1h');
          expr = expr.replace(/=~"\$\{?(\w+)(?::\w+)?\}?"/g, (m, name: string) =>
            withAll.has(name) ? '=~".*"' : `=~"${values[name] ?? m}"`,
          );
          expr = expr.replace(/\$\{?(\w+)(?::\w+)?\}?/g, (m, name: string) => values[name] ?? m);
          out.push({ where: `${path.relative(root, file)} "${p.title ?? ''}"`, expr });
        }
        walk(p.panels ?? []);
      }
    };
    walk(doc.panels ?? []);
  }
  return out;
}
