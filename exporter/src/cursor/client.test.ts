import { COL } from '../domain/event-batch';
/** The client against a scripted stub server on 127.0.0.1: paging, chunking, auth, ETags. */
import type { AnalyticsRow } from '../domain/records';
import { DAY_MS } from '../domain/time';
import type { EtagCache } from '../domain/etag-cache';
import type { CursorApi, DailyUsageChunk, UsageEventPage } from './api';
import { createCursorClient, type CursorClientOptions } from './client';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CursorError } from './errors';
import { validate } from './validate';
import { recordingClientOptions, useStubCursor, type ClientRecording } from './testing/test-client';

const KEY = 'key_test';
const stub = useStubCursor();
const rec: ClientRecording = { calls: [], sleeps: [], logs: [] };
const { calls, sleeps } = rec;

function client(extra: Partial<CursorClientOptions> = {}): CursorApi {
  return createCursorClient({ ...recordingClientOptions(stub.url, rec), ...extra });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('auth and members', () => {
  it('sends Basic auth with the key as user name and an empty password', async () => {
    stub.on('GET /teams/members', () => ({
      teamMembers: [{ id: 'user_a', email: 'A@acme.io', name: 'A', role: 'owner', isRemoved: false }],
    }));
    const members = await client().members();
    expect(members).toEqual([{ email: 'a@acme.io', userId: 'user_a', name: 'A', role: 'owner', isRemoved: false }]);
    expect(stub.requests[0].headers.authorization).toBe('Basic a2V5X3Rlc3Q6'); // base64('key_test:')
    expect(stub.requests[0].headers['user-agent']).toBe('cursor-usage-exporter/test');
    expect(calls).toEqual([
      { endpoint: '/teams/members', status: 200, durationMs: expect.any(Number), attempt: 1, rateLimitWaitMs: 0 },
    ]);
  });

  it('uses the separate analytics key for /analytics and the admin key elsewhere', async () => {
    stub.on('GET /analytics/team/dau', () => ({ data: [] }));
    stub.on('GET /teams/groups', () => ({ groups: [] }));
    const api = client({ analyticsKey: 'an_key' });
    await api.analytics('dau', '2026-03-01', '2026-03-02');
    await api.groups();
    expect(stub.requests.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('an_key:').toString('base64')}`,
      'Basic a2V5X3Rlc3Q6',
    ]);
  });

  it('request: an endpoint without a method of its own, with either key, its body checked by the caller and a bad one fetched again', async () => {
    const Things = TypeCompiler.Compile(Type.Object({ things: Type.Array(Type.Number()) }));
    const parse = (body: Buffer | string) => validate(Things, body, 'GET /teams/things').things;
    stub.on('GET /teams/things', (_req, _reply, call) => (call === 1 ? { things: ['cut'] } : { things: [1, 2] }));
    const api = client({ analyticsKey: 'an_key' });
    await expect(api.request({ method: 'GET', path: '/teams/things', query: 'a=1' }, parse)).resolves.toEqual([1, 2]);
    expect(stub.requests.map((r) => [r.path, r.query, r.headers.authorization])).toEqual([
      ['/teams/things', { a: '1' }, 'Basic a2V5X3Rlc3Q6'],
      ['/teams/things', { a: '1' }, 'Basic a2V5X3Rlc3Q6'],
    ]);
    expect(calls.map((c) => [c.endpoint, c.status])).toEqual([
      ['/teams/things', 200],
      ['/teams/things', 200],
    ]);
    stub.on('POST /analytics/things', (req) => ({ things: [(req.body as { n: number }).n] }));
    await expect(
      api.request(
        { method: 'POST', path: '/analytics/things', body: { n: 7 }, analytics: true },
        (b) => validate(Things, b, 'x').things,
      ),
    ).resolves.toEqual([7]);
    expect(stub.requests[2].headers.authorization).toBe(`Basic ${Buffer.from('an_key:').toString('base64')}`);
  });

  it('refuses to start without a key or with credentials in the base URL', () => {
    expect(() => createCursorClient({ adminKey: '', userAgent: 'x' })).toThrow(/adminKey is required/);
    expect(() => createCursorClient({ adminKey: KEY, userAgent: 'x', baseUrl: 'https://u:p@api.cursor.com' })).toThrow(
      /must not contain credentials/,
    );
  });
});

describe('pagination', () => {
  it('spend: requests pages until page ≥ totalPages and merges them', async () => {
    stub.on('POST /teams/spend', (req) => {
      const { page } = req.body as { page: number };
      const row =
        page === 2
          ? { userId: 7, email: 'b@acme.io', spendCents: 10, includedSpendCents: 4 } // legacy shape on one page
          : { userId: `user_${page}`, email: `u${page}@acme.io`, spendCents: 1.5, overallSpendCents: 2.25 };
      return {
        teamMemberSpend: [row],
        subscriptionCycleStart: 1771977600000,
        totalMembers: 3,
        totalPages: 3,
        limitedUsersCount: 1,
      };
    });
    const snap = await client().spend();
    expect(stub.requests.map((r) => r.body)).toEqual([1, 2, 3].map((page) => ({ page, pageSize: 100 })));
    expect(snap.cycleStartMs).toBe(1771977600000);
    expect(snap.limitedUsersCount).toBe(1);
    expect(snap.rows.map((r) => [r.email, r.userId, r.totalMicro, r.includedMicro, r.onDemandMicro])).toEqual([
      ['u1@acme.io', 'user_1', 2_250_000, 750_000, 1_500_000],
      ['b@acme.io', '7', 10_000_000, 4_000_000, 6_000_000],
      ['u3@acme.io', 'user_3', 2_250_000, 750_000, 1_500_000],
    ]);
  });

  it('spend: a cycle rollover between pages fails the step instead of mixing cycles', async () => {
    stub.on('POST /teams/spend', (_req, _reply, n) => ({
      teamMemberSpend: [],
      subscriptionCycleStart: n === 1 ? 1 : 2,
      totalPages: 2,
    }));
    await expect(client().spend()).rejects.toMatchObject({ kind: 'invalid-response', path: '/subscriptionCycleStart' });
  });

  it('daily usage: a 70-day range becomes 30 + 30 + 10 day chunks, each fully paged', async () => {
    stub.on('POST /teams/daily-usage-data', (req) => {
      const { startDate, page } = req.body as { startDate: number; page: number };
      const row = {
        day: new Date(startDate).toISOString().slice(0, 10),
        email: `p${page}@acme.io`,
        userId: page,
        isActive: page === 1,
      };
      return {
        data: [row],
        period: req.body,
        pagination: {
          page,
          pageSize: 500,
          totalUsers: 2,
          totalPages: 2,
          hasNextPage: page < 2,
          hasPreviousPage: page > 1,
        },
      };
    });
    const from = Date.parse('2026-01-01T00:00:00.000Z');
    const to = from + 70 * DAY_MS - 1;
    const chunks: DailyUsageChunk[] = await collect(client().dailyUsage(from, to));
    const bounds = [
      [from, from + 30 * DAY_MS - 1],
      [from + 30 * DAY_MS, from + 60 * DAY_MS - 1],
      [from + 60 * DAY_MS, to],
    ];
    expect(stub.requests.map((r) => r.body)).toEqual(
      bounds.flatMap(([startDate, endDate]) => [1, 2].map((page) => ({ startDate, endDate, page, pageSize: 500 }))),
    );
    expect(chunks.map((c) => [c.fromMs, c.toMs, c.rows.length])).toEqual(bounds.map(([a, b]) => [a, b, 2]));
    expect(chunks[2].rows.map((r) => [r.day, r.email, r.userId, r.isActive])).toEqual([
      ['2026-03-02', 'p1@acme.io', '1', true],
      ['2026-03-02', 'p2@acme.io', '2', false],
    ]);
  });

  it('usage events: windows of windowMs, pageSize 1000, hasNextPage or else currentPage < numPages', async () => {
    const from = Date.parse('2026-03-01T00:00:00.000Z');
    stub.on('POST /teams/filtered-usage-events', (req) => {
      const { startDate, page } = req.body as { startDate: number; page: number };
      const event = {
        timestamp: String(startDate + page),
        userEmail: 'eli@acme.io',
        model: 'gpt-5',
        kind: 'Usage-based',
        chargedCents: 1,
      };
      // First window: classic hasNextPage over 3 pages. Second: only numPages/currentPage (2 pages).
      const pagination =
        startDate === from
          ? // One event a page: the server says it used pages of 1 (a shorter page would be cut short).
            { numPages: 3, currentPage: page, pageSize: 1, hasNextPage: page < 3, hasPreviousPage: page > 1 }
          : { numPages: 2, currentPage: page, pageSize: 1 };
      return { totalUsageEventsCount: 3, pagination, usageEvents: [event] };
    });
    const pages: UsageEventPage[] = await collect(client().usageEvents(from, from + 2 * DAY_MS - 1, DAY_MS));
    // Read-ahead sends them concurrently (event-pages.ts): exactly these requests, pages in order.
    const sent = stub.requests.map((r) => r.body as { startDate: number; page: number });
    expect([...sent].sort((a, b) => a.startDate - b.startDate || a.page - b.page)).toEqual([
      ...[1, 2, 3].map((page) => ({ startDate: from, endDate: from + DAY_MS - 1, page, pageSize: 1000 })),
      ...[1, 2].map((page) => ({ startDate: from + DAY_MS, endDate: from + 2 * DAY_MS - 1, page, pageSize: 1000 })),
    ]);
    expect(
      pages.map((p) => [
        p.windowStartMs - from,
        p.page,
        p.totalPages,
        p.lastPage,
        p.totalEvents,
        p.events.nums[COL.TS] - from,
      ]),
    ).toEqual([
      [0, 1, 3, false, 3, 1],
      [0, 2, 3, false, 3, 2],
      [0, 3, 3, true, 3, 3],
      [DAY_MS, 1, 2, false, 3, DAY_MS + 1],
      [DAY_MS, 2, 2, true, 3, DAY_MS + 2],
    ]);
  });

  it('usage events: bad ranges are rejected before any request', async () => {
    await expect(collect(client().usageEvents(10, 5, DAY_MS))).rejects.toThrow(/after its end/);
    expect(stub.requests).toHaveLength(0);
  });

  it('groups: one GET', async () => {
    stub.on('GET /teams/groups', () => ({
      groups: [{ id: 'group_a', name: 'Eng > Web', spendCents: 1 }],
      unassignedGroup: { id: 'group_unassigned' },
    }));
    const g = await client().groups();
    expect(g.groups.map((x) => [x.id, x.spendMicro])).toEqual([
      ['group_a', 1_000_000],
      ['group_unassigned', 0],
    ]);
    expect(g.cycle).toBeNull();
    expect(stub.requests).toHaveLength(1);
  });
});

describe('analytics', () => {
  function memoryCache(): EtagCache & { map: Map<string, { etag: string; body: string }> } {
    const map = new Map<string, { etag: string; body: string }>();
    return { map, get: (url) => map.get(url), set: (url, etag, body) => void map.set(url, { etag, body }) };
  }

  it('chunks to 30 days with YYYY-MM-DD query parameters', async () => {
    stub.on('GET /analytics/team/commands', (req) => {
      const { startDate } = req.query as { startDate: string };
      return { data: [{ event_date: startDate, command_name: 'review', usage: 2 }] };
    });
    const res = await client().analytics('commands', '2026-01-01', '2026-02-14');
    expect(stub.requests.map((r) => r.query)).toEqual([
      { startDate: '2026-01-01', endDate: '2026-01-30' },
      { startDate: '2026-01-31', endDate: '2026-02-14' },
    ]);
    expect(res.rows.map((r: AnalyticsRow) => [r.day, r.key, r.values.usage])).toEqual([
      ['2026-01-01', 'review', 2],
      ['2026-01-31', 'review', 2],
    ]);
    expect(res.notModified).toBe(false);
  });

  it('sends If-None-Match and reuses the cached body on 304', async () => {
    const body = JSON.stringify({
      data: [{ date: '2026-03-02', model_breakdown: { 'gpt-5': { messages: 3, users: 1 } } }],
    });
    stub.on('GET /analytics/team/models', (req, reply) => {
      if (req.headers['if-none-match'] === '"v1"') return reply.code(304).send();
      return reply.header('etag', '"v1"').header('content-type', 'application/json').send(body);
    });
    const cache = memoryCache();
    const api = client({ etagCache: cache });
    const first = await api.analytics('models', '2026-03-01', '2026-03-02');
    const second = await api.analytics('models', '2026-03-01', '2026-03-02');
    expect(stub.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(cache.map.get(`${stub.url}/analytics/team/models?startDate=2026-03-01&endDate=2026-03-02`)).toEqual({
      etag: '"v1"',
      body,
    });
    expect(first).toEqual({
      rows: [{ endpoint: 'models', day: '2026-03-02', key: 'gpt-5', values: { messages: 3, users: 1 } }],
      notModified: false,
    });
    expect(second).toEqual({ rows: first.rows, notModified: true });
    expect(calls.map((c) => [c.endpoint, c.status])).toEqual([
      ['/analytics/team/models', 200],
      ['/analytics/team/models', 304],
    ]);
  });

  it('never caches a body that failed validation', async () => {
    stub.on('GET /analytics/team/dau', (_req, reply) =>
      reply.header('etag', '"bad"').send({ data: [{ date: '2026-03-02', dau: 'forty' }] }),
    );
    const cache = memoryCache();
    await expect(client({ etagCache: cache }).analytics('dau', '2026-03-02', '2026-03-02')).rejects.toMatchObject({
      kind: 'invalid-response',
      path: '/data/0/dau',
    });
    expect(cache.map.size).toBe(0);
  });

  it('rejects unknown endpoints and impossible days without a request', async () => {
    await expect(client().analytics('leaderboard' as never, '2026-03-01', '2026-03-02')).rejects.toThrow(
      /unknown analytics endpoint/,
    );
    await expect(client().analytics('dau', '2026-02-30', '2026-03-02')).rejects.toThrow(/invalid day/);
    expect(stub.requests).toHaveLength(0);
  });
});

describe('malformed responses', () => {
  it('a body cut mid-JSON is fetched again, and is an invalid-response error once the retry budget is spent', async () => {
    stub.on('POST /teams/spend', (_req, reply) =>
      reply.header('content-type', 'application/json').send('{"teamMemberSpend": [{"email": "a@b.c"'),
    );
    const err: CursorError = await client({ maxRetries: 2 })
      .spend()
      .catch((e) => e);
    expect(err).toBeInstanceOf(CursorError);
    expect(err).toMatchObject({ kind: 'invalid-response', endpoint: 'POST /teams/spend', status: 200, attempts: 1 });
    expect(err.message).toMatch(/^POST \/teams\/spend: malformed JSON/);
    expect(stub.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('a cut body followed by a whole one succeeds', async () => {
    const whole = {
      teamMemberSpend: [{ email: 'a@b.c', spendCents: 5 }],
      subscriptionCycleStart: 1,
      totalMembers: 1,
      totalPages: 1,
    };
    stub.on('POST /teams/spend', (_req, reply, n) =>
      n === 1 ? reply.header('content-type', 'application/json').send(JSON.stringify(whole).slice(0, 30)) : whole,
    );
    const spend = await client().spend();
    expect(spend.rows.map((r) => r.email)).toEqual(['a@b.c']);
    expect(stub.requests).toHaveLength(2);
  });

  it('a usage-events page cut short while claiming the full count is fetched again', async () => {
    const event = (i: number) => ({
      timestamp: String(1000 + i),
      userEmail: 'eli@acme.io',
      model: 'gpt-5',
      kind: 'Usage-based',
      chargedCents: 1,
    });
    const all = Array.from({ length: 1000 }, (_, i) => event(i));
    stub.on('POST /teams/filtered-usage-events', (_req, _reply, n) => ({
      totalUsageEventsCount: 1000,
      pagination: { numPages: 1, currentPage: 1, pageSize: 1000, hasNextPage: false },
      usageEvents: n === 1 ? all.slice(0, 500) : all,
    }));
    const pages: UsageEventPage[] = await collect(client().usageEvents(0, DAY_MS - 1, DAY_MS));
    expect(pages.map((p) => p.events.n)).toEqual([1000]);
    expect(stub.requests).toHaveLength(2);
  });

  it('a schema mismatch is not retried forever: the retry budget bounds it', async () => {
    stub.on('GET /teams/members', () => ({ teamMembers: [{ name: 'no email' }] }));
    const err: CursorError = await client({ maxRetries: 1 })
      .members()
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid-response', path: '/teamMembers/0/email' });
    expect(stub.requests).toHaveLength(2);
  });

  it('a schema mismatch names the first offending field', async () => {
    stub.on('POST /teams/filtered-usage-events', () => ({
      usageEvents: [
        { timestamp: '1', userEmail: 'a@b.c' },
        { timestamp: '2', userEmail: 'a@b.c', chargedCents: '3.5' },
      ],
    }));
    const err: CursorError = await collect(client().usageEvents(0, 10, DAY_MS)).catch((e) => e);
    expect(err).toMatchObject({ kind: 'invalid-response', path: '/usageEvents/1/chargedCents' });
    expect(err.message).toBe(
      'POST /teams/filtered-usage-events: invalid response at /usageEvents/1/chargedCents: expected number or null, got string',
    );
  });
});
