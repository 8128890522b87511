import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedTeam } from '../digests/testing';
import { Store } from '../store';
import type { Db } from '../store/db';
import { deliverDigests } from './deliver-digests';
import { escapeMrkdwn, postSlackWebhook } from './slack';

interface Received {
  url: string;
  contentType: string | undefined;
  body: { text: string; blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
}

let server: http.Server;
let base: string;
const received: Received[] = [];
let replies: { status: number; body: string; headers?: Record<string, string> }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(data) });
      const r = replies.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(r.status, { 'content-type': 'text/plain', ...r.headers });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  replies = [];
});

const HOOK = '/services/T000/B000/SECRETTOKEN';
const noSleep = { sleep: async () => {}, backoffMs: 1 };
const text = (r: Received) => JSON.stringify(r.body.blocks);

describe('escapeMrkdwn', () => {
  it('escapes &, < and >', () => {
    expect(escapeMrkdwn('<@U1> & <!channel> a>b')).toBe('&lt;@U1&gt; &amp; &lt;!channel&gt; a&gt;b');
  });
});

describe('postSlackWebhook', () => {
  it('retries 5xx and 429 a bounded number of times', async () => {
    replies = [
      { status: 500, body: 'oops' },
      { status: 429, body: 'slow down', headers: { 'retry-after': '1' } },
      { status: 200, body: 'ok' },
    ];
    const waits: number[] = [];
    const r = await postSlackWebhook(
      base + HOOK,
      { text: 't', blocks: [] },
      { sleep: async (ms) => void waits.push(ms), backoffMs: 10 },
    );
    expect(r).toEqual({ ok: true, attempts: 3 });
    expect(waits).toEqual([10, 1000]); // backoff, then the server's Retry-After
    replies = [
      { status: 503, body: '' },
      { status: 503, body: '' },
      { status: 503, body: '' },
      { status: 200, body: 'ok' },
    ];
    expect(await postSlackWebhook(base + HOOK, { text: 't', blocks: [] }, noSleep)).toMatchObject({
      ok: false,
      attempts: 3,
    });
  });

  it('does not retry a 4xx and never reports the webhook URL', async () => {
    replies = [{ status: 400, body: 'invalid_payload' }];
    const r = await postSlackWebhook(base + HOOK, { text: 't', blocks: [] }, noSleep);
    expect(r).toEqual({ ok: false, attempts: 1, error: 'Slack webhook answered HTTP 400 (invalid_payload)' });
    const down = await postSlackWebhook(
      'http://127.0.0.1:1/services/T/B/SECRETTOKEN',
      { text: 't', blocks: [] },
      { ...noSleep, attempts: 2 },
    );
    expect(down.ok).toBe(false);
    expect(JSON.stringify(down)).not.toContain('SECRETTOKEN');
  });
});

describe('digest delivery to Slack', () => {
  let store: Store;
  let db: Db;
  const NOW = Date.parse('2026-03-29T12:00:00Z');
  beforeEach(() => {
    store = Store.open(':memory:');
    db = store.db;
    seedTeam(db);
  });
  afterEach(() => store.close());

  it('posts both digests as Block Kit with escaped names, once per day and once per cycle', async () => {
    const r = await deliverDigests(store, {
      nowMs: NOW,
      webhookUrl: base + HOOK,
      dashboardUrl: 'https://grafana.example/d/cursor?a=1&b=2',
      post: noSleep,
    });
    expect(r).toEqual({ planExhaustion: 'sent', cycleSummary: 'sent', errors: [] });
    expect(received).toHaveLength(2);
    const [pe, cs] = received;
    expect(pe.url).toBe(HOOK);
    expect(pe.contentType).toBe('application/json');
    expect(pe.body.text).toBe('Cursor: 2/3 active users have exceeded their included plan this cycle');
    expect(pe.body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(pe.body.blocks[0].text?.text).toBe(':zap: Cursor — Plan Exhaustion Alert');
    expect(pe.body.blocks[1].text?.text).toBe('*2/3* active users have exceeded their included plan this cycle');
    expect(pe.body.blocks[2].text?.text).toContain(
      '• Alice &lt;Ops&gt; &amp; Co (alice@example.com): day 5 of cycle (2026-03-05) · 18 extra requests, $40.00 on-demand',
    );
    expect(pe.body.blocks[3].text?.text).toBe('<https://grafana.example/d/cursor?a=1&amp;b=2|View dashboard>');
    expect(text(pe)).not.toContain('<Ops>');

    expect(cs.body.blocks[0].text?.text).toBe(':bar_chart: Cursor Cycle Summary — Ending 2026-03-31');
    const lines = cs.body.blocks[1].text?.text.split('\n');
    expect(lines).toEqual([
      '*Cycle Spend:* $155',
      '*vs Last Cycle:* $60.00 (+158.3% ↑)',
      '*Seats:* 2/4 active (50%)',
      ':warning: 2 unused seats',
      '*Plan Exhaustion:* 2/3',
      '*Top Spenders:*',
      '1. Alice &lt;Ops&gt; &amp; Co (alice@example.com): $120',
      '2. Carol (carol@example.com): $25.00',
      '3. Bob (bob@example.com): $10.00',
      '*Adoption:* AI-Native 0 · High 1 · Moderate 0 · Low 0',
    ]);
    expect(cs.body.blocks.at(-1)?.elements?.[0].text).toBe('2026-03-01 – 2026-03-31 · 3 days remaining');

    // Same day again: nothing is posted.
    expect(
      await deliverDigests(store, { nowMs: NOW + 3_600_000, webhookUrl: base + HOOK, post: noSleep }),
    ).toMatchObject({
      planExhaustion: 'already_sent_today',
      cycleSummary: 'already_sent_this_cycle',
    });
    // Next day: the daily digest goes again, the cycle summary does not.
    expect(
      await deliverDigests(store, { nowMs: NOW + 86_400_000, webhookUrl: base + HOOK, post: noSleep }),
    ).toMatchObject({
      planExhaustion: 'sent',
      cycleSummary: 'already_sent_this_cycle',
    });
    expect(received).toHaveLength(3);
  });

  it('records nothing when the post fails, so the next run tries again', async () => {
    replies = [
      { status: 500, body: '' },
      { status: 500, body: '' },
      { status: 404, body: 'no_service' },
    ];
    const r = await deliverDigests(store, { nowMs: NOW, webhookUrl: base + HOOK, post: { ...noSleep, attempts: 2 } });
    expect(r.planExhaustion).toBe('failed');
    expect(r.cycleSummary).toBe('failed');
    expect(r.errors.join(' ')).not.toContain('SECRETTOKEN');
    expect((db.prepare('SELECT COUNT(*) AS n FROM notifications').get() as { n: number }).n).toBe(0);
    expect(await deliverDigests(store, { nowMs: NOW, webhookUrl: base + HOOK, post: noSleep })).toMatchObject({
      planExhaustion: 'sent',
      cycleSummary: 'sent',
    });
  });

  it('posts nothing without a webhook URL, nothing when no one ran out, and no summary before it is due', async () => {
    expect(await deliverDigests(store, { nowMs: NOW })).toEqual({
      planExhaustion: 'disabled',
      cycleSummary: 'disabled',
      errors: [],
    });
    db.prepare('UPDATE daily_usage SET usage_based_reqs = 0').run();
    db.prepare('UPDATE usage_daily SET usage_based_events = 0').run();
    db.prepare('UPDATE spend_snapshots SET on_demand_micro = 0').run();
    const early = Date.parse('2026-03-15T00:00:00Z');
    expect(await deliverDigests(store, { nowMs: early, webhookUrl: base + HOOK, post: noSleep })).toMatchObject({
      planExhaustion: 'none_exhausted',
      cycleSummary: 'not_due',
    });
    expect(received).toHaveLength(0);
  });
});
