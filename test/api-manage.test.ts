import type { FastifyInstance } from 'fastify';
import { ApiContext } from '../exporter/src/api/context';
import { buildTestApp, call, NOW, seedTeam, TOKEN } from '../exporter/src/api/testing';
import { ReadModel } from '../exporter/src/queries/read-model';
import { Store } from '../exporter/src/store';
import type { Db } from '../exporter/src/store/db';

let db: Db;
let app: FastifyInstance;
let base: string;
const AM_TOKEN = 'am-token-xyz';

beforeEach(async () => {
  db = seedTeam();
  ({ app, base } = await buildTestApp(db, {
    alertmanagerToken: AM_TOKEN,
    rateLimit: { max: 1000, timeWindow: '1 minute' },
  }));
});
afterEach(async () => {
  await app.close();
  db.close();
});

const req = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(base, method, `/api/v1${path}`, { body, headers });
const groupOf = (email: string) =>
  db
    .prepare('SELECT g.name FROM group_members gm JOIN billing_groups g ON g.id = gm.group_id WHERE gm.email = ?')
    .pluck()
    .get(email) ?? null;
const snapshot = () =>
  JSON.stringify([
    db.prepare('SELECT * FROM billing_groups ORDER BY id').all(),
    db.prepare('SELECT * FROM group_members ORDER BY email').all(),
  ]);

describe('mutations need auth', () => {
  test.each([
    ['POST', '/groups', { name: 'X' }],
    ['PATCH', '/groups/g_web', { name: 'X' }],
    ['PUT', '/groups/g_web/members/dan@acme.io', undefined],
    ['POST', '/groups/hibob/apply', { csv: 'email,department\n' }],
    ['POST', '/incidents/1/resolve', undefined],
    ['PATCH', '/settings', {}],
  ])('%s %s without and with a wrong token', async (method, path, body) => {
    const before = snapshot();
    expect((await req(method, path, body, {})).status).toBe(401);
    expect((await req(method, path, body, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect(snapshot()).toBe(before);
  });
});

describe('groups', () => {
  test('list with members and cycle spend', async () => {
    const r = await req('GET', '/groups');
    expect(r.body.groups).toEqual([
      {
        id: 'g_api',
        name: 'Eng > API',
        source: 'cursor',
        member_count: 1,
        spend_usd: 25,
        members: [{ email: 'carol@acme.io', name: 'Carol' }],
      },
      {
        id: 'g_web',
        name: 'Eng > Web',
        source: 'cursor',
        member_count: 2,
        spend_usd: 60,
        members: [
          { email: 'alice@acme.io', name: 'Alice' },
          { email: 'bob@acme.io', name: 'Bob' },
        ],
      },
      { id: 'g_ops', name: 'Ops', source: 'cursor', member_count: 0, spend_usd: 0, members: [] },
    ]);
    expect((await req('GET', '/groups?q=carol')).body.groups.map((g: { id: string }) => g.id)).toEqual(['g_api']);
  });
  test('create, rename, reassign', async () => {
    const created = await req('POST', '/groups', { name: '  Data  ' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(id).toMatch(/^local_[0-9a-f]{12}$/);
    expect((await req('PATCH', `/groups/${id}`, { name: 'Data > ML' })).body).toEqual({ ok: true });
    expect((await req('PUT', `/groups/${id}/members/Alice@acme.io`)).body).toEqual({ ok: true });
    expect(groupOf('alice@acme.io')).toBe('Data > ML');
    expect(db.prepare('SELECT COUNT(*) FROM group_members WHERE email = ?').pluck().get('alice@acme.io')).toBe(1);
  });
  test('bad input names the field; unknown ids are 404', async () => {
    const r = await req('POST', '/groups', { name: '' });
    expect([r.status, r.body.field]).toEqual([400, 'body.name']);
    // Fastify's AJV drops unknown body fields (removeAdditional) rather than failing; nothing else is stored.
    const extra = await req('POST', '/groups', { name: 'x', colour: 'red' });
    expect(db.prepare('SELECT name, source FROM billing_groups WHERE id = ?').get(extra.body.id)).toEqual({
      name: 'x',
      source: 'local',
    });
    expect((await req('PATCH', '/groups/g_nope', { name: 'x' })).status).toBe(404);
    expect((await req('PUT', '/groups/g_web/members/nobody@acme.io')).status).toBe(404);
    expect((await req('PUT', '/groups/g_nope/members/alice@acme.io')).status).toBe(404);
  });
  test('export CSV escapes quotes and commas', async () => {
    db.prepare(`UPDATE members SET name = 'Bob "B", Jr' WHERE email = 'bob@acme.io'`).run();
    const r = await req('GET', '/groups/export.csv');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="group-mapping-2026-03-10.csv"');
    expect(r.body).toBe(
      'email,name,group\ncarol@acme.io,Carol,Eng > API\nalice@acme.io,Alice,Eng > Web\nbob@acme.io,"Bob ""B"", Jr",Eng > Web\n',
    );
  });
  test('backup round trip: preview equals apply, export → import is a no-op', async () => {
    const csv = 'email,name,group\nalice@acme.io,Alice,Ops\nbob@acme.io,Bob,Eng > Web\ndan@acme.io,Dan,"New, Team"\n';
    const preview = await req('POST', '/groups/backup/preview', { csv });
    expect(preview.body).toEqual({
      total_rows: 3,
      unchanged: 1,
      new_groups: ['New, Team'],
      changes: [
        { email: 'alice@acme.io', name: 'Alice', current_group: 'Eng > Web', new_group: 'Ops' },
        { email: 'dan@acme.io', name: 'Dan', current_group: null, new_group: 'New, Team' },
      ],
    });
    const applied = await req('POST', '/groups/backup/apply', { csv });
    expect(applied.body).toEqual({ ...preview.body, applied: 2, created_groups: ['New, Team'] });
    expect([groupOf('alice@acme.io'), groupOf('dan@acme.io')]).toEqual(['Ops', 'New, Team']);
    const exported = (await req('GET', '/groups/export.csv')).body as string;
    expect((await req('POST', '/groups/backup/preview', { csv: exported })).body.changes).toEqual([]);
  });
  test('an invalid backup applies nothing and lists every bad row', async () => {
    const before = snapshot();
    const csv =
      'email,group\nalice@acme.io,Ops\nnot-an-email,Ops\nghost@acme.io,Ops\nbob@acme.io,\nalice@acme.io,Eng > Web\n';
    const r = await req('POST', '/groups/backup/apply', { csv });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('body.csv');
    expect(r.body.rows).toEqual([
      { row: 3, reason: "invalid email 'not-an-email'" },
      { row: 4, reason: "unknown member 'ghost@acme.io'" },
      { row: 5, reason: 'empty group' },
      { row: 6, reason: "duplicate row for 'alice@acme.io'" },
    ]);
    expect(snapshot()).toBe(before);
    const missing = await req('POST', '/groups/backup/preview', { csv: 'mail,team\nx,y\n' });
    expect([missing.status, missing.body.message]).toEqual([
      400,
      'body.csv: missing required column(s): email, group; found: mail, team',
    ]);
  });
});

describe('a read cache with a lag (API_CACHE_LAG_SECONDS)', () => {
  test('a collection under way shows within the lag; a change through the API shows at once', async () => {
    const lagged = seedTeam();
    let clock = 0;
    const store = new Store(lagged);
    const context = new ApiContext(store, new ReadModel(store, { lagMs: 10_000, clock: () => clock }), () => NOW);
    const server = await buildTestApp(lagged, { context, rateLimit: { max: 1000, timeWindow: '1 minute' } });
    try {
      const range = `from=${NOW - 7 * 86_400_000}&to=${NOW}`;
      const groupOfDan = async () => {
        const r = await call(server.base, 'GET', `/api/v1/tables/members?${range}&q=dan`);
        return r.body.rows[0].group;
      };
      expect(await groupOfDan()).toBeNull();
      // A write outside the API (as a collection's commit): seen once the lag has passed.
      lagged.prepare("INSERT INTO group_members (email, group_id) VALUES ('dan@acme.io', 'g_api')").run();
      expect(await groupOfDan()).toBeNull();
      clock = 10_000;
      expect(await groupOfDan()).toBe('Eng > API');
      // Through the API: the next answer has it, with the lag not passed.
      const moved = await call(server.base, 'PUT', '/api/v1/groups/g_ops/members/dan@acme.io');
      expect(moved.status).toBe(200);
      expect(await groupOfDan()).toBe('Ops');
    } finally {
      await server.app.close();
      lagged.close();
    }
  });
});

describe('HiBob import', () => {
  // Eng/Web: alice, bob, dan (3, kept); Eng/API: carol alone (small → pooled into Eng's only sibling).
  const csv = [
    '\uFEFFEmail,Display Name,Department,Team,Job Title',
    'alice@acme.io,Alice A,Eng,Web,"Engineer, Senior"',
    'bob@acme.io,Bob B,Eng,Web,Engineer',
    'dan@acme.io,Dan D,Eng,Web,Engineer',
    'carol@acme.io,Carol C,Eng,API,Lead',
    'stranger@acme.io,Stranger,Sales,,Rep',
    '',
  ].join('\n');

  test('preview: moves, new groups, unmatched people and members', async () => {
    const r = await req('POST', '/groups/hibob/preview', { csv });
    expect([r.body.total_rows, r.body.matched, r.body.has_group_column]).toEqual([5, 4, false]);
    expect(r.body.moves).toBe(2);
    expect(r.body.keeps).toBe(2);
    expect(r.body.changes).toEqual([
      {
        email: 'dan@acme.io',
        name: 'Dan',
        department: 'Eng',
        title: 'Engineer',
        current_group: null,
        new_group: 'Eng > Web',
      },
      {
        email: 'carol@acme.io',
        name: 'Carol',
        department: 'Eng',
        title: 'Lead',
        current_group: 'Eng > API',
        new_group: 'Eng > Web',
      },
    ]);
    expect(r.body.groups).toEqual([{ name: 'Eng > Web', member_count: 4, is_new: false }]);
    expect(r.body.unmatched_people).toEqual([{ row: 6, email: 'stranger@acme.io', name: 'Stranger' }]);
    expect(r.body.unmatched_members).toEqual([]);
  });
  test('apply a chosen subset: response repeats the preview, only the chosen move happens', async () => {
    const preview = (await req('POST', '/groups/hibob/preview', { csv })).body;
    const r = await req('POST', '/groups/hibob/apply', { csv, emails: ['DAN@acme.io'] });
    expect(r.body).toEqual({ ...preview, applied: 1, created_groups: [] });
    expect([groupOf('dan@acme.io'), groupOf('carol@acme.io')]).toEqual(['Eng > Web', 'Eng > API']);
  });
  test('apply everything equals the preview', async () => {
    const preview = (await req('POST', '/groups/hibob/preview', { csv })).body;
    await req('POST', '/groups/hibob/apply', { csv });
    for (const c of preview.changes) expect(groupOf(c.email)).toBe(c.new_group);
    expect((await req('POST', '/groups/hibob/preview', { csv })).body.moves).toBe(0);
  });
  test('an email that is not a planned change is refused and nothing applies', async () => {
    const before = snapshot();
    const r = await req('POST', '/groups/hibob/apply', { csv, emails: ['dan@acme.io', 'alice@acme.io'] });
    expect([r.status, r.body.field, r.body.message]).toEqual([
      400,
      'body.emails',
      'body.emails: not a planned change: alice@acme.io',
    ]);
    expect(snapshot()).toBe(before);
  });
  test('an invalid file applies nothing and lists the bad rows', async () => {
    const before = snapshot();
    const r = await req('POST', '/groups/hibob/apply', {
      csv: 'email,department\nalice@acme.io,Eng\nbob@acme.io,\n,Eng\n',
    });
    expect(r.status).toBe(400);
    expect(r.body.rows).toEqual([
      { row: 3, reason: 'empty department' },
      { row: 4, reason: "invalid email ''" },
    ]);
    expect(snapshot()).toBe(before);
  });
});

describe('incidents', () => {
  let id: number;
  beforeEach(() => {
    id = Number(
      db
        .prepare(
          `INSERT INTO incidents (key, detector, severity, subject, email, day, message, value, threshold, unit, status, onset_ms, detected_ms, first_run, last_seen_run, updated_ms)
           VALUES ('spend_spike:bob@acme.io', 'spend_spike', 'critical', 'user', 'bob@acme.io', '2026-03-09', 'Bob spiked', 40, 20, 'usd', 'detected', ?, ?, 1, 1, ?)`,
        )
        .run(NOW - 60 * 60_000, NOW - 30 * 60_000, NOW).lastInsertRowid,
    );
  });
  test('list with filters', async () => {
    const r = await req('GET', '/incidents?status=open&severity=critical');
    expect(r.body.rows).toEqual([
      expect.objectContaining({
        id,
        detected: NOW - 30 * 60_000,
        onset: NOW - 60 * 60_000,
        detector: 'spend_spike',
        severity: 'critical',
        status: 'detected',
        email: 'bob@acme.io',
        message: 'Bob spiked',
      }),
    ]);
    expect((await req('GET', '/incidents?severity=warning')).body.rows).toEqual([]);
    expect((await req('GET', '/incidents?user=alice@acme.io')).body.rows).toEqual([]);
    expect((await req('GET', '/incidents?status=bogus')).body.field).toBe('querystring.status');
  });
  test('alertmanager webhook, acknowledge, resolve and MTTx', async () => {
    const payload = {
      version: '4',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'CursorSpendSpike', detector: 'spend_spike', subject: 'user', user: 'bob@acme.io' },
          startsAt: '2026-03-10T11:40:00Z',
        },
      ],
    };
    expect((await req('POST', '/alertmanager', payload, { authorization: 'Bearer wrong' })).status).toBe(401);
    const hook = await req('POST', '/alertmanager', payload, { authorization: `Bearer ${AM_TOKEN}` });
    expect(hook.body).toEqual({ ok: true, alerted: [id], matched: 1, ignored: 0, resolved_alerts: 0 });
    const bad = await req(
      'POST',
      '/alertmanager',
      { version: '3', status: 'firing', alerts: [] },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect([bad.status, bad.body.field]).toEqual([400, 'body.version']);
    expect((await req('POST', `/incidents/${id}/acknowledge`)).body).toEqual({ ok: true, id, status: 'acknowledged' });
    expect((await req('POST', `/incidents/${id}/resolve`)).body).toEqual({ ok: true, id, status: 'resolved' });
    expect((await req('POST', `/incidents/${id}/resolve`)).status).toBe(400);
    expect((await req('POST', '/incidents/99999/acknowledge')).status).toBe(404);
    expect((await req('POST', '/incidents/abc/acknowledge')).body.field).toBe('params.id');
    const m = await req('GET', `/incidents/mttx?from=${NOW - 86_400_000}&to=${NOW}`);
    // onset −60 min, alerted/acknowledged/resolved at NOW: MTTD = MTTR = 60 min, MTTI = 0.
    expect(m.body.rows[0]).toEqual({
      detector: 'all',
      incidents: 1,
      mttd_minutes: 60,
      mtti_minutes: 0,
      mttr_minutes: 60,
    });
  });
});

describe('settings', () => {
  test('read, patch, put and field errors', async () => {
    const r = await req('GET', '/settings');
    expect(r.body.source).toBe('defaults');
    expect(r.body.settings.zscore.multiplier).toBe(2.5);
    const p = await req('PATCH', '/settings', { zscore: { multiplier: 3 } });
    expect([p.status, p.body.source, p.body.settings.zscore.multiplier, p.body.updated_ms]).toEqual([
      200,
      'stored',
      3,
      NOW,
    ]);
    const bad = await req('PATCH', '/settings', { zscore: { multiplier: -1 } });
    expect([bad.status, bad.body.field]).toEqual([400, 'body.zscore.multiplier']);
    expect((await req('GET', '/settings')).body.settings.zscore.multiplier).toBe(3);
    const put = await req('PUT', '/settings', { trends: { spendSpikeMultiplier: 4 } });
    expect([put.body.settings.zscore.multiplier, put.body.settings.trends.spendSpikeMultiplier]).toEqual([2.5, 4]);
  });
});

describe('backtest', () => {
  const from = Date.parse('2026-03-01T00:00:00Z');
  test('proposed settings vs current, over stored data', async () => {
    const r = await req('POST', '/settings/backtest', {
      from,
      to: NOW,
      settings: { thresholds: { maxSpendUsdPerCycle: 10 } },
    });
    expect(r.status).toBe(200);
    // Alice's cycle spend passes $20 (2× the cap) on 2026-03-02: one critical alert; the defaults raise none.
    expect(
      r.body.rows.map((x: { detector: string; email: string; day: number; severity: string }) => [
        x.detector,
        x.email,
        x.day,
        x.severity,
      ]),
    ).toEqual([['cap_spend_cycle', 'alice@acme.io', Date.parse('2026-03-02T00:00:00Z'), 'critical']]);
    expect(r.body.meta).toMatchObject({
      from_day: '2026-03-01',
      to_day: '2026-03-10',
      days: 10,
      alerts: 1,
      current_alerts: 0,
    });
    expect(r.body.meta.findings).toBeGreaterThan(r.body.meta.current_findings);
    expect((await req('GET', '/settings')).body.source).toBe('defaults'); // nothing saved
  });
  test('bad settings and over-long ranges name the field', async () => {
    const bad = await req('POST', '/settings/backtest', { from, to: NOW, settings: { zscore: { multiplier: -1 } } });
    expect([bad.status, bad.body.field]).toEqual([400, 'body.settings.zscore.multiplier']);
    const long = await req('POST', '/settings/backtest', { from: from - 200 * 86_400_000, to: NOW });
    expect([long.status, long.body.field]).toEqual([400, 'body.from']);
  });
});

describe('rate limit', () => {
  test('mutations are limited per client, reads are not', async () => {
    const limited = await buildTestApp(db, { rateLimit: { max: 2, timeWindow: '1 minute' } });
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await call(limited.base, 'POST', '/api/v1/groups', { body: { name: `G${i}` } })).status);
    expect(codes).toEqual([201, 201, 429]);
    for (let i = 0; i < 4; i++) expect((await call(limited.base, 'GET', '/api/v1/groups')).status).toBe(200);
    await limited.app.close();
  });
});
