import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashUser } from '../domain/user-hash';
import { Store } from '../store';
import { applyAlertmanagerWebhook, pollSilences } from './alertmanager';
import { reconcile } from './reconcile';
import { finding } from './testing';

const T0 = Date.parse('2026-03-10T10:00:00Z');
let store: Store;
let alice: number;
let team: number;
let group: number;

beforeEach(() => {
  store = Store.open(':memory:');
  const findings = [
    finding(),
    finding({
      detector: 'team_budget',
      subject: 'team',
      email: null,
      groupId: null,
      groupName: null,
      key: 'team_budget:team',
    }),
    finding({
      detector: 'drift',
      subject: 'group',
      email: null,
      groupId: 'group_eng',
      groupName: 'Eng',
      key: 'drift:group_eng',
    }),
  ];
  const applied = store.incidents.applyChanges(reconcile([], findings, { autoResolveRuns: 3 }, T0), 1);
  [alice, team, group] = applied.opened;
});
afterEach(() => store.close());

function alert(labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing') {
  return {
    status,
    labels: { alertname: 'CursorAnomaly', ...labels },
    annotations: {},
    startsAt: '2026-03-10T10:05:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://x',
    fingerprint: 'abc',
  };
}
function payload(alerts: unknown[]) {
  return {
    version: '4',
    status: 'firing',
    receiver: 'exporter',
    groupKey: '{}',
    alerts,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1',
    truncatedAlerts: 0,
  };
}

describe('Alertmanager webhook', () => {
  it('firing alert stamps alerted on the matching user incident only', () => {
    const r = applyAlertmanagerWebhook(
      store,
      payload([
        alert({
          detector: 'spend_spike',
          severity: 'warning',
          subject: 'user',
          user: 'alice@example.com',
          group: 'Eng',
        }),
      ]),
      T0 + 60_000,
    );
    expect(r).toEqual({ ok: true, alerted: [alice], matched: 1, ignored: 0, resolvedAlerts: 0 });
    expect(store.incidents.get(alice)).toMatchObject({ status: 'alerted', alertedMs: T0 + 60_000 });
    expect(store.incidents.get(team)?.status).toBe('detected');
    expect(store.incidents.get(group)?.status).toBe('detected');
  });

  it('matches hashed user labels, team and group subjects, ignoring the severity label', () => {
    const r = applyAlertmanagerWebhook(
      store,
      payload([
        alert({ detector: 'spend_spike', severity: 'critical', subject: 'user', user: hashUser('alice@example.com') }),
        alert({ detector: 'team_budget', subject: 'team', user: '', group: '' }),
        alert({ detector: 'drift', group: 'Eng' }), // no subject label: inferred from group
      ]),
      T0 + 1,
    );
    expect(r).toMatchObject({ ok: true, matched: 3, ignored: 0 });
    if (r.ok) expect(r.alerted.sort()).toEqual([alice, team, group].sort());
  });

  it('ignores alerts with unknown labels and resolved notifications', () => {
    const r = applyAlertmanagerWebhook(
      store,
      payload([
        alert({ job: 'exporter' }), // another rule, no detector label
        alert({ detector: 'spend_spike', user: 'bob@example.com' }),
        alert({ detector: 'zscore', user: 'alice@example.com' }),
        alert({ detector: 'spend_spike', user: 'alice@example.com' }, 'resolved'),
      ]),
      T0 + 1,
    );
    expect(r).toEqual({ ok: true, alerted: [], matched: 0, ignored: 3, resolvedAlerts: 1 });
    expect(store.incidents.listOpen().every((i) => i.status === 'detected')).toBe(true);
  });

  it('rejects an invalid payload with named fields and changes nothing', () => {
    const bad = applyAlertmanagerWebhook(
      store,
      { version: '3', status: 'firing', alerts: [{ status: 'firing', labels: { detector: 5 } }] },
      T0,
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.errors.map((e) => e.field)).toEqual(
        expect.arrayContaining(['version', 'alerts.0.labels.detector', 'alerts.0.startsAt']),
      );
    expect(applyAlertmanagerWebhook(store, 'nope', T0)).toMatchObject({ ok: false });
    expect(store.incidents.listOpen().every((i) => i.alertedMs === null)).toBe(true);
  });
});

describe('Alertmanager silences', () => {
  let server: http.Server;
  let url: string;
  let silences: unknown = [];
  let status = 200;
  const requests: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(silences));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    status = 200;
    requests.length = 0;
  });

  const silence = (id: string, state: string, matchers: unknown[], startsAt = '2026-03-10T10:30:00Z') => ({
    id,
    status: { state },
    matchers,
    startsAt,
    endsAt: '2026-03-11T10:30:00Z',
    updatedAt: startsAt,
    createdBy: 'oncall',
    comment: 'looking',
  });

  it('an active silence matching an incident acknowledges it at the silence start', async () => {
    silences = [
      silence('s1', 'active', [
        { name: 'detector', value: 'spend_spike', isRegex: false, isEqual: true },
        { name: 'user', value: 'alice@.*', isRegex: true, isEqual: true },
        { name: 'alertname', value: 'CursorSpendSpike', isRegex: false, isEqual: true },
      ]),
      silence('s2', 'expired', [{ name: 'detector', value: 'team_budget', isRegex: false, isEqual: true }]),
      silence('s3', 'active', [{ name: 'alertname', value: 'CursorExporterDown', isRegex: false, isEqual: true }]),
    ];
    const r = await pollSilences(store, url, T0 + 3_600_000);
    expect(requests).toEqual(['GET /api/v2/silences']);
    expect(r).toEqual({ activeSilences: 2, acknowledged: [alice] });
    expect(store.incidents.get(alice)).toMatchObject({
      status: 'acknowledged',
      acknowledgedMs: Date.parse('2026-03-10T10:30:00Z'),
      acknowledgedBy: 'silence:s1',
    });
    expect(store.incidents.get(team)?.status).toBe('detected');
    expect(store.incidents.get(group)?.status).toBe('detected');
  });

  it('after an alert, matches with Alertmanager semantics on the alert labels', async () => {
    applyAlertmanagerWebhook(
      store,
      payload([
        alert({ alertname: 'CursorSpendSpike', detector: 'spend_spike', subject: 'user', user: 'alice@example.com' }),
      ]),
      T0 + 60_000,
    );
    silences = [
      silence('other', 'active', [
        { name: 'alertname', value: 'CursorZscore', isRegex: false },
        { name: 'user', value: 'alice@example.com', isRegex: false },
      ]),
    ];
    expect((await pollSilences(store, url, T0 + 3_600_000)).acknowledged).toEqual([]);
    silences = [
      silence(
        'mine',
        'active',
        [{ name: 'alertname', value: 'CursorSpendSpike', isRegex: false }],
        '2026-03-09T00:00:00Z',
      ),
    ];
    expect((await pollSilences(store, url, T0 + 3_600_000)).acknowledged).toEqual([alice]);
    // A silence older than the alert acknowledges at the alert time, never before it.
    expect(store.incidents.get(alice)?.acknowledgedMs).toBe(T0 + 60_000);
  });

  it('negative matchers exclude', async () => {
    silences = [silence('neg', 'active', [{ name: 'detector', value: 'spend_spike', isRegex: false, isEqual: false }])];
    const r = await pollSilences(store, url + '/', T0 + 3_600_000);
    expect(r.acknowledged.sort()).toEqual([team, group].sort());
  });

  it('fails clearly on HTTP errors and malformed bodies, without the URL', async () => {
    status = 500;
    await expect(pollSilences(store, url, T0)).rejects.toThrow('Alertmanager silences request failed: HTTP 500');
    status = 200;
    silences = { not: 'a list' };
    await expect(pollSilences(store, url, T0)).rejects.toThrow(/not a list of silences/);
    const closed = `http://user:secret@127.0.0.1:1`;
    await expect(pollSilences(store, closed, T0)).rejects.toThrow(
      /^Alertmanager silences request failed: (?!.*secret)/,
    );
    expect(store.incidents.listOpen().every((i) => i.acknowledgedMs === null)).toBe(true);
  });
});
