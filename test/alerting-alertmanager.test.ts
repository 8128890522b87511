/**
 * The shipped Alertmanager configuration (alerting-rules/alertmanager): amtool accepts it as shipped
 * and rendered with test secret files and the real templates; a table of label sets pins the routing
 * tree (amtool config routes test --verify.receivers); and a real Alertmanager, fed alerts through its
 * API, applies the shipped inhibition rules and renders the shipped Slack and PagerDuty templates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALERTMANAGER_BIN, startAlertmanager, type AlertmanagerHandle } from './helpers/alertmanager';
import { ALERTMANAGER_CONFIG, AMTOOL_BIN, renderAlertmanagerConfig, runTool } from './helpers/alerting';
import { binaryAvailable } from './helpers/prometheus';
import { startRecorder, type Recorder } from './helpers/receivers';

const TOKEN = 'am-test-webhook-token-0123456789';
const ROUTING_KEY = '0123456789abcdef0123456789abcdef';

/** Renders the shipped config into its own temp dir (secret files included); returns the config path. */
function rendered(
  dir: string,
  urls: { slack: string; lead: string; pd: string; exporter: string },
  fastTimers = false,
): string {
  const file = path.join(dir, 'alertmanager.yml');
  fs.writeFileSync(
    file,
    renderAlertmanagerConfig({
      secretsDir: path.join(dir, 'secrets'),
      slackUrl: urls.slack,
      leadSlackUrl: urls.lead,
      pagerdutyUrl: urls.pd,
      pagerdutyRoutingKey: ROUTING_KEY,
      exporterWebhookUrl: urls.exporter,
      exporterWebhookToken: TOKEN,
      fastTimers,
    }),
  );
  return file;
}

const user = (severity: string, extra: Record<string, string> = {}) => ({
  alertname: 'CursorUserSpendSpike',
  detector: 'spend_spike',
  severity,
  subject: 'user',
  user: 'bob@acme.dev',
  group: 'Sales',
  ...extra,
});

/** labels → the receivers (in order) that must get the alert. */
const ROUTES: [string, Record<string, string>, string[]][] = [
  ['the watchdog goes only to the heartbeat', { alertname: 'CursorWatchdog', severity: 'info' }, ['heartbeat']],
  ['a warning verdict: the exporter and the team channel', user('warning'), ['cursor-exporter', 'slack']],
  ['a critical verdict pages and still reaches Slack', user('critical'), ['cursor-exporter', 'pagerduty', 'slack']],
  [
    'an info verdict goes to the quiet channel',
    user('info', { alertname: 'CursorUserPlanExhausted', detector: 'plan_exhausted' }),
    ['cursor-exporter', 'slack-info'],
  ],
  [
    "a critical verdict in the lead's group reaches the lead too",
    user('critical', { group: 'Engineering > Mobile' }),
    ['cursor-exporter', 'slack-lead-mobile', 'pagerduty', 'slack'],
  ],
  [
    "an info verdict in the lead's group",
    user('info', { group: 'Engineering > Mobile', detector: 'plan_exhausted' }),
    ['cursor-exporter', 'slack-lead-mobile', 'slack-info'],
  ],
  [
    "a similarly named group is not the lead's",
    user('warning', { group: 'Engineering > Mobile Web' }),
    ['cursor-exporter', 'slack'],
  ],
  [
    'a group budget fast burn',
    {
      alertname: 'CursorBudgetFastBurn',
      detector: 'budget_burn',
      severity: 'critical',
      subject: 'group',
      group: 'Engineering',
    },
    ['cursor-exporter', 'pagerduty', 'slack'],
  ],
  [
    'an exporter health warning is not sent to the exporter',
    { alertname: 'CursorExporterDown', severity: 'warning', job: 'cursor-exporter', instance: 'exporter:9464' },
    ['slack'],
  ],
  ['an unknown severity still reaches the team channel', { alertname: 'SomethingElse', severity: 'page' }, ['slack']],
];

const labelArgs = (labels: Record<string, string>) =>
  Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);

const amtool = binaryAvailable(AMTOOL_BIN) ? describe : describe.skip;

amtool('alertmanager.yml: amtool', () => {
  let dir: string;
  let config: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-config-'));
    config = rendered(dir, {
      slack: 'http://127.0.0.1:1/slack',
      lead: 'http://127.0.0.1:1/lead',
      pd: 'http://127.0.0.1:1/v2/enqueue',
      exporter: 'http://127.0.0.1:1',
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts the shipped file and the rendered one with its templates (amtool check-config)', async () => {
    for (const file of [ALERTMANAGER_CONFIG, config]) {
      const r = await runTool(AMTOOL_BIN, ['check-config', file]);
      expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: expect.stringContaining('SUCCESS') });
      expect(r.stdout).toContain('4 inhibit rules');
    }
  });

  it('reads every secret from a file, never inline', () => {
    const text = fs.readFileSync(ALERTMANAGER_CONFIG, 'utf8');
    expect(text).not.toMatch(/hooks\.slack\.com|routing_key:|api_url:|credentials:/);
    expect(text).toMatch(/slack_api_url_file: \/run\/secrets\//);
    expect(text).toMatch(/routing_key_file: \/run\/secrets\//);
    expect(text).toMatch(/credentials_file: \/run\/secrets\//);
  });

  it.each(ROUTES)('routes %s', async (_name, labels, receivers) => {
    const r = await runTool(AMTOOL_BIN, [
      'config',
      'routes',
      'test',
      `--config.file=${config}`,
      `--verify.receivers=${receivers.join(',')}`,
      ...labelArgs(labels),
    ]);
    expect({ code: r.code, receivers: r.stdout.trim() }).toEqual({ code: 0, receivers: receivers.join(',') });
  });

  it('fails a routing case whose receivers are wrong (the table can fail)', async () => {
    const r = await runTool(AMTOOL_BIN, [
      'config',
      'routes',
      'test',
      `--config.file=${config}`,
      '--verify.receivers=slack',
      ...labelArgs(user('critical')),
    ]);
    expect(r.code).toBe(1);
  });
});

const live = binaryAvailable(ALERTMANAGER_BIN) ? describe : describe.skip;

live('alertmanager.yml: a real Alertmanager', () => {
  let dir: string;
  let am: AlertmanagerHandle;
  let rec: Recorder;

  const post = async (alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[]) => {
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts.map((a) => ({ ...a, startsAt: new Date().toISOString() }))),
    });
    expect(res.status).toBe(200);
  };
  /**
   * Alertmanager's view of one alert: which alerts inhibit it, once it is known and inhibited by at
   * least `settled` alerts (or after 10 s). The inhibitor learns about new source alerts from its own
   * subscription, a moment after the POST: a test expecting an inhibition waits for it, and the
   * ones expecting none ask after it has shown.
   */
  const inhibitedBy = async (alertname: string, userLabel?: string, settled = 0) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const all = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
        labels: Record<string, string>;
        status: { inhibitedBy: string[] };
      }[];
      const hit = all.find(
        (a) => a.labels.alertname === alertname && (userLabel === undefined || a.labels.user === userLabel),
      );
      if ((hit && hit.status.inhibitedBy.length >= settled) || Date.now() > deadline) return hit?.status.inhibitedBy;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    rec = await startRecorder();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-live-'));
    am = await startAlertmanager(
      fs.readFileSync(
        rendered(
          dir,
          {
            slack: `${rec.url}/slack`,
            lead: `${rec.url}/lead`,
            pd: `${rec.url}/v2/enqueue`,
            exporter: `${rec.url}/exporter`,
          },
          true,
        ),
        'utf8',
      ),
    );
  }, 30_000);
  afterAll(async () => {
    await am?.stop();
    await rec?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renders the Slack and PagerDuty messages with user, model, amount and links, and calls the exporter with its bearer token', async () => {
    const description = 'bob@acme.dev: cost per request $1.45, 4.3× their average of $0.34, on claude-4-opus-max.';
    await post([
      {
        labels: {
          alertname: 'CursorUserCostPerRequestSpike',
          detector: 'cost_per_request',
          severity: 'critical',
          subject: 'user',
          user: 'bob@acme.dev',
          group: 'Engineering > Mobile',
          model: 'claude-4-opus-max',
          unit: 'usd_per_request',
          job: 'cursor-exporter',
        },
        annotations: {
          summary: "A user's cost per request jumped far above their own history.",
          description,
          amount: '$1.45/request',
          runbook_url: 'alerting-rules/runbook.md#cursorusercostperrequestspike',
          dashboard_url: '/d/cursor-user/cursor-user?var-user=bob%40acme.dev',
        },
      },
    ]);
    const slack = (await rec.waitFor((r) => r.path === '/slack')).body as {
      channel: string;
      attachments: { title: string; title_link: string; text: string; color: string }[];
    };
    const a = slack.attachments[0];
    expect(slack.channel).toBe('#cursor-spend');
    expect(a.title).toBe('[FIRING:1] CursorUserCostPerRequestSpike · bob@acme.dev');
    expect(a.color).toBe('danger');
    expect(a.title_link).toBe('http://localhost:3000/d/cursor-user/cursor-user?var-user=bob%40acme.dev');
    expect(a.text).toContain(`*${description}*`);
    // Slack mrkdwn escaping of the group name; the model and the amount as fields.
    expect(a.text).toContain('*Group:* Engineering &gt; Mobile');
    expect(a.text).toContain('*User:* bob@acme.dev');
    expect(a.text).toContain('*Model:* `claude-4-opus-max`');
    expect(a.text).toContain('*Amount:* $1.45/request');
    expect(a.text).toContain(
      '<http://localhost:3000/d/cursor-user/cursor-user?var-user=bob%40acme.dev|Open in Grafana>',
    );
    expect(a.text).toContain('alerting-rules/runbook.md#cursorusercostperrequestspike|Runbook>');

    const lead = await rec.waitFor((r) => r.path === '/lead');
    expect((lead.body as { channel: string }).channel).toBe('#eng-mobile-spend');

    const pd = (await rec.waitFor((r) => r.path === '/v2/enqueue')).body as {
      routing_key: string;
      event_action: string;
      links: { href: string; text: string }[];
      payload: { summary: string; severity: string; custom_details: Record<string, string> };
    };
    expect(pd.routing_key).toBe(ROUTING_KEY);
    expect(pd.event_action).toBe('trigger');
    expect(pd.payload.severity).toBe('critical');
    expect(pd.payload.summary).toBe(`CursorUserCostPerRequestSpike: ${description}`);
    expect(pd.payload.custom_details).toMatchObject({
      user: 'bob@acme.dev',
      group: 'Engineering > Mobile',
      model: 'claude-4-opus-max',
      amount: '$1.45/request',
      detector: 'cost_per_request',
    });
    expect(pd.links.map((l) => l.href)).toEqual([
      'http://localhost:3000/d/cursor-user/cursor-user?var-user=bob%40acme.dev',
      expect.stringMatching(/\/alerting-rules\/runbook\.md#cursorusercostperrequestspike$/),
    ]);

    const hook = await rec.waitFor((r) => r.path === '/exporter/api/v1/alertmanager');
    expect(hook.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect((hook.body as { alerts: { labels: Record<string, string> }[] }).alerts[0].labels).toMatchObject({
      detector: 'cost_per_request',
      user: 'bob@acme.dev',
    });
  });

  it("inhibits a user's warnings while a critical alert about the same user fires, not other users'", async () => {
    await post([
      {
        labels: user('critical', {
          alertname: 'CursorUserCycleSpendOverCap',
          detector: 'cap_spend_cycle',
          user: 'carol@acme.dev',
        }),
      },
      { labels: user('warning', { user: 'carol@acme.dev' }) },
      { labels: user('warning', { user: 'dave@acme.dev' }) },
    ]);
    expect(await inhibitedBy('CursorUserSpendSpike', 'carol@acme.dev', 1)).toHaveLength(1);
    expect(await inhibitedBy('CursorUserSpendSpike', 'dave@acme.dev')).toEqual([]);
    expect(await inhibitedBy('CursorUserCycleSpendOverCap', 'carol@acme.dev')).toEqual([]);
  });

  it('inhibits the data alerts while the exporter is down, but not the watchdog', async () => {
    await post([
      {
        labels: {
          alertname: 'CursorForecastOverBudget',
          severity: 'warning',
          subject: 'group',
          group: 'Sales',
          job: 'cursor-exporter',
          instance: 'exporter:9464',
        },
      },
      { labels: { alertname: 'CursorWatchdog', severity: 'info' } },
    ]);
    expect(await inhibitedBy('CursorForecastOverBudget')).toEqual([]);
    await post([
      {
        labels: {
          alertname: 'CursorExporterDown',
          severity: 'warning',
          job: 'cursor-exporter',
          instance: 'exporter:9464',
        },
      },
    ]);
    expect(await inhibitedBy('CursorForecastOverBudget', undefined, 1)).toHaveLength(1);
    expect(await inhibitedBy('CursorWatchdog')).toEqual([]);
    expect(await inhibitedBy('CursorExporterDown')).toEqual([]);
  });
});
