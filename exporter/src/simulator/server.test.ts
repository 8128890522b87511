import { request } from 'undici';
import { DAY_MS, HOUR_MS, MINUTE_MS, dayStartMs } from '../domain/time';
import { createSimulation } from './simulation';
import { createSimulatorServer, startSimulator } from './server';
import type { RawUsageEvent } from './shapes';

const END = '2026-03-10';
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
const AUTH = { authorization: basic('key_sim_admin') };
const UNLIMITED = { admin: 1e9, usageEvents: 1e9, analytics: 1e9 };

/** A server on a movable clock; `limits` default to unlimited so tests only meet the limit they test. */
function setup(opts: { users?: number; limits?: object; lateMaxMs?: number } = {}) {
  const clock = { now: dayStartMs(END) + 15 * HOUR_MS };
  const sim = createSimulation({ seed: 21, users: opts.users ?? 25, endDay: END, lateMaxMs: opts.lateMaxMs });
  const server = createSimulatorServer(sim, { now: () => clock.now, limits: opts.limits ?? UNLIMITED });
  const post = (url: string, payload: object, headers: Record<string, string> = AUTH) =>
    server.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Record<string, string> = AUTH) => server.inject({ method: 'GET', url, headers });
  return { clock, sim, server, post, get };
}

async function allEvents(
  post: ReturnType<typeof setup>['post'],
  body: object,
): Promise<{ events: RawUsageEvent[]; total: number; pages: number }> {
  const events: RawUsageEvent[] = [];
  let page = 1;
  let total = -1;
  for (;;) {
    const res = await post('/teams/filtered-usage-events', { ...body, page, pageSize: 500 });
    expect(res.statusCode).toBe(200);
    const json = res.json();
    total = json.totalUsageEventsCount;
    events.push(...json.usageEvents);
    if (!json.pagination.hasNextPage) return { events, total, pages: page };
    page++;
  }
}

describe('auth', () => {
  const { server, get, post } = setup();
  afterAll(() => server.close());

  it('401 without a key and with a wrong key, in the documented body', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic('key_wrong') },
      { authorization: 'Basic !!!' },
    ];
    for (const headers of attempts) {
      const res = await get('/teams/members', headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'Unauthorized', message: 'Invalid API key' });
    }
    expect((await post('/teams/spend', {}, {})).statusCode).toBe(401);
  });

  it('accepts Basic (key as user name) and Bearer', async () => {
    expect((await get('/teams/members')).statusCode).toBe(200);
    expect((await get('/teams/members', { authorization: 'Bearer key_sim_admin' })).statusCode).toBe(200);
  });
});

describe('range limits and bad input', () => {
  const { server, post, get } = setup();
  afterAll(() => server.close());
  const start = dayStartMs('2026-02-01');

  it('400 on a range over 30 days for daily usage, usage events and analytics; 30 days is fine', async () => {
    const over = { startDate: start, endDate: start + 31 * DAY_MS };
    for (const url of ['/teams/daily-usage-data', '/teams/filtered-usage-events']) {
      const res = await post(url, over);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'Bad Request', message: 'Date range cannot exceed 30 days' });
      expect((await post(url, { startDate: start, endDate: start + 30 * DAY_MS })).statusCode).toBe(200);
    }
    const res = await get('/analytics/team/dau?startDate=2026-02-01&endDate=2026-03-04');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('Date range cannot exceed 30 days');
    expect((await get('/analytics/team/dau?startDate=30d&endDate=today')).statusCode).toBe(200);
  });

  it('400 with a clear message on missing or mistyped fields, 404 on unknown routes', async () => {
    expect((await post('/teams/daily-usage-data', {})).json().message).toMatch(/startDate and endDate are required/);
    expect((await post('/teams/filtered-usage-events', { startDate: 'yesterday' })).json().message).toMatch(
      /startDate must be epoch milliseconds/,
    );
    expect((await get('/analytics/team/dau?startDate=soon')).json().message).toMatch(/Invalid date 'soon'/);
    const bad = await server.inject({
      method: 'POST',
      url: '/teams/spend',
      payload: '{oops',
      headers: { ...AUTH, 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect((await get('/analytics/team/nope')).statusCode).toBe(404);
    expect((await get('/teams/unknown')).json()).toEqual({ error: 'Not Found', message: 'Resource not found' });
  });
});

describe('rate limits', () => {
  it('admin: 429 after 20 in a minute with Retry-After to the window end; a new minute resets', async () => {
    const { server, get, clock } = setup({ limits: { admin: 20, usageEvents: 60, analytics: 100 } });
    clock.now = Math.floor(clock.now / MINUTE_MS) * MINUTE_MS + 15_000; // 45 s left in the window
    for (let i = 0; i < 20; i++) expect((await get('/teams/members')).statusCode).toBe(200);
    const res = await get('/teams/members');
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('45');
    expect(res.json()).toEqual({ code: 'error', message: 'Rate limit exceeded' });
    expect((await get('/teams/members', { authorization: 'Bearer other' })).statusCode).toBe(401);
    expect((await get('/teams/groups')).statusCode).toBe(200); // limits are per endpoint
    clock.now += 45_000;
    expect((await get('/teams/members')).statusCode).toBe(200);
    await server.close();
  });

  it('analytics: 100/min with the analytics 429 body; 304s are free', async () => {
    const { server, get, clock } = setup({ limits: { admin: 20, usageEvents: 60, analytics: 100 } });
    clock.now = Math.floor(clock.now / MINUTE_MS) * MINUTE_MS + 1000;
    const first = await get('/analytics/team/models?startDate=7d&endDate=yesterday');
    const etag = first.headers.etag as string;
    for (let i = 0; i < 150; i++) {
      const res = await get('/analytics/team/models?startDate=7d&endDate=yesterday', {
        ...AUTH,
        'if-none-match': etag,
      });
      expect(res.statusCode).toBe(304);
    }
    // The first request counted, the 304s did not: 99 more fit in the minute.
    for (let i = 1; i < 100; i++)
      expect((await get('/analytics/team/models?startDate=7d&endDate=yesterday')).statusCode).toBe(200);
    const limited = await get('/analytics/team/models?startDate=7d&endDate=yesterday');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: 'Too Many Requests',
      message: 'Rate limit exceeded. Please try again later.',
    });
    await server.close();
  });

  it('usage events: 60/min', async () => {
    const { server, post } = setup({ limits: { admin: 20, usageEvents: 60, analytics: 100 } });
    const body = { startDate: dayStartMs('2026-03-09'), endDate: dayStartMs('2026-03-09') + HOUR_MS };
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await post('/teams/filtered-usage-events', body)).statusCode);
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    await server.close();
  });
});

describe('usage events', () => {
  const { server, post, sim, clock } = setup({ users: 40 });
  afterAll(() => server.close());

  it('pages cover every arrived event exactly once, newest first, and match the expectations', async () => {
    const from = dayStartMs('2026-03-06') + 5 * HOUR_MS;
    const to = clock.now;
    const { events, total, pages } = await allEvents(post, { startDate: from, endDate: to });
    expect(pages).toBeGreaterThan(2);
    expect(events.length).toBe(total);
    expect(total).toBe(sim.expected.eventCount(from, to, clock.now));
    // Same multiset as the timeline filtered by range and arrival.
    const expected: string[] = [];
    for (const day of ['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']) {
      for (const t of sim.timelineForDay(day))
        if (t.timestampMs >= from && t.timestampMs <= to && t.arrivalMs <= clock.now)
          expected.push(JSON.stringify(t.event));
    }
    expect(events.map((e) => JSON.stringify(e)).sort()).toEqual(expected.sort());
    for (let i = 1; i < events.length; i++)
      expect(Number(events[i - 1].timestamp)).toBeGreaterThanOrEqual(Number(events[i].timestamp));
  });

  it('the same query twice gives the same pages (stable order)', async () => {
    const body = {
      startDate: dayStartMs('2026-03-09'),
      endDate: dayStartMs('2026-03-09') + DAY_MS - 1,
      page: 2,
      pageSize: 100,
    };
    expect((await post('/teams/filtered-usage-events', body)).body).toBe(
      (await post('/teams/filtered-usage-events', body)).body,
    );
  });

  it('the email filter returns just that user, with their expected spend', async () => {
    const email = sim.members.find((m) => sim.eventsForUserDay(m.email, '2026-03-09').length > 0)!.email;
    const from = dayStartMs('2026-03-02');
    const { events } = await allEvents(post, { startDate: from, endDate: clock.now, email });
    expect(events.every((e) => e.userEmail === email)).toBe(true);
    const cents = events.reduce((a, e) => a + Math.round(e.chargedCents * 1e6), 0) / 1e6;
    expect(cents).toBeCloseTo(sim.expected.userSpendCents(email, from, clock.now, clock.now), 6);
  });

  it('late data: an event not yet arrived is absent, and present once the clock passes its arrival', async () => {
    const late = sim.timelineForDay(END).find((t) => t.arrivalMs > clock.now && t.timestampMs <= clock.now);
    expect(late).toBeDefined();
    const body = { startDate: late!.timestampMs, endDate: late!.timestampMs, email: late!.event.userEmail };
    const has = async () =>
      ((await post('/teams/filtered-usage-events', body)).json().usageEvents as RawUsageEvent[]).some(
        (e) => JSON.stringify(e) === JSON.stringify(late!.event),
      );
    const saved = clock.now;
    expect(await has()).toBe(false);
    clock.now = late!.arrivalMs;
    expect(await has()).toBe(true);
    clock.now = saved;
  });
});

describe('spend, daily usage and groups', () => {
  const { server, post, get, sim, clock } = setup({ users: 30 });
  afterAll(() => server.close());

  it('spend: overall = Σ chargedCents of arrived events in the cycle, spendCents = the Usage-based part', async () => {
    const rows: { email: string; spendCents: number; overallSpendCents: number }[] = [];
    let page = 1;
    let json;
    do {
      json = (await post('/teams/spend', { page, pageSize: 7 })).json();
      rows.push(...json.teamMemberSpend);
      page++;
    } while (page <= json.totalPages);
    expect(json.subscriptionCycleStart).toBe(sim.cycleAt(clock.now).startMs);
    expect(rows.length).toBe(json.totalMembers);
    expect(new Set(rows.map((r) => r.email)).size).toBe(rows.length);
    let checked = 0;
    for (const r of rows) {
      const exp = sim.expected.cycleSpend(r.email, clock.now);
      expect(r.overallSpendCents).toBeCloseTo(exp.overallCents, 5);
      expect(r.spendCents).toBeCloseTo(exp.onDemandCents, 5);
      if (r.spendCents > 0) checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('daily usage: with page+pageSize every member (inactive rows too) and pagination; without, active rows only', async () => {
    const body = { startDate: dayStartMs('2026-03-02'), endDate: dayStartMs('2026-03-08') + DAY_MS - 1 };
    const unpaged = (await post('/teams/daily-usage-data', body)).json();
    expect(unpaged.pagination).toBeUndefined();
    expect(unpaged.data.every((r: { isActive: boolean }) => r.isActive)).toBe(true);
    const paged = (await post('/teams/daily-usage-data', { ...body, page: 1, pageSize: 1000 })).json();
    expect(paged.pagination).toMatchObject({ page: 1, totalPages: 1, hasNextPage: false });
    expect(paged.data.some((r: { isActive: boolean }) => !r.isActive)).toBe(true);
    const active = paged.data.filter((r: { isActive: boolean }) => r.isActive);
    expect(active).toEqual(unpaged.data);
    const row = active[0];
    expect(row).toMatchObject({
      userId: expect.any(Number),
      day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      date: dayStartMs(row.day),
    });
    const events = sim.eventsForUserDay(row.email, row.day);
    expect(row.subscriptionIncludedReqs + row.usageBasedReqs).toBe(
      events.filter((e) => e.kind !== 'Errored, Not Charged').length,
    );
    expect(row.usageBasedReqs).toBe(events.filter((e) => e.kind === 'Usage-based').length);
  });

  it('groups: Parent > Team names, every current member once, unassigned group, cycle in ISO', async () => {
    const json = (await get('/teams/groups')).json();
    expect(json.unassignedGroup.id).toBe('group_unassigned');
    expect(json.billingCycle.cycleStart).toBe(new Date(sim.cycleAt(clock.now).startMs).toISOString());
    const all = [...json.groups, json.unassignedGroup];
    const current = all.flatMap((g: { currentMembers: { email: string }[] }) => g.currentMembers.map((m) => m.email));
    expect(current.sort()).toEqual(
      sim.members
        .filter((m) => !m.isRemoved)
        .map((m) => m.email)
        .sort(),
    );
    expect(json.groups.every((g: { name: string }) => / > /.test(g.name))).toBe(true);
    for (const g of all) expect(g.dailySpend.length).toBeLessThanOrEqual(2);
  });

  it('analytics: dau = users with arrived events that day; models = messages per model', async () => {
    const day = '2026-03-09';
    const res = await get(`/analytics/team/dau?startDate=${day}&endDate=${day}`);
    expect(res.headers['cache-control']).toBe('public, max-age=900');
    const events = sim.eventsForDay(day);
    expect(res.json().data).toEqual([
      expect.objectContaining({ date: day, dau: new Set(events.map((e) => e.userEmail)).size }),
    ]);
    const models = (await get(`/analytics/team/models?startDate=${day}&endDate=${day}`)).json();
    expect(models.data[0].model_breakdown['claude-4.5-sonnet'].messages).toBe(
      events.filter((e) => e.model === 'claude-4.5-sonnet').length,
    );
    expect(models.params).toMatchObject({ metric: 'models', startDate: day, endDate: day, teamId: sim.team.teamId });
  });

  it('analytics ETag: If-None-Match → 304 with no body; a changed day gives a new ETag', async () => {
    const url = '/analytics/team/tabs?startDate=3d&endDate=today';
    const first = await get(url);
    expect(first.headers.etag).toBeDefined();
    const again = await get(url, { ...AUTH, 'if-none-match': first.headers.etag as string });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const saved = clock.now;
    clock.now += 2 * HOUR_MS; // more of today has arrived
    expect((await get(url)).headers.etag).not.toBe(first.headers.etag);
    clock.now = saved;
  });
});

describe('faults', () => {
  it('errorRate 1 → 500s; malformed → invalid JSON; truncate → short page or missing field; storm → 429', async () => {
    const { server, get, post } = setup();
    server.setFaults({ errorRate: 1 });
    const err = await get('/teams/members');
    expect(err.statusCode).toBe(500);
    expect(err.json()).toEqual({ error: 'Internal Server Error', message: 'An unexpected error occurred' });
    server.setFaults({ errorRate: 0, malformedRate: 1 });
    const bad = await get('/teams/members');
    expect(bad.statusCode).toBe(200);
    expect(() => JSON.parse(bad.body)).toThrow();
    server.setFaults({ malformedRate: 0, truncateRate: 1 });
    const body = { startDate: dayStartMs('2026-03-09'), endDate: dayStartMs('2026-03-09') + DAY_MS - 1, pageSize: 100 };
    for (let i = 0; i < 5; i++) {
      const json = (await post('/teams/filtered-usage-events', body)).json();
      const short =
        Array.isArray(json.usageEvents) && json.usageEvents.length < 100 && json.pagination?.hasNextPage === true;
      const missing = ['totalUsageEventsCount', 'pagination', 'usageEvents', 'period'].some((k) => !(k in json));
      expect(short || missing).toBe(true);
    }
    server.setFaults({ truncateRate: 0, storm429Ms: 30_000 });
    const storm = await get('/teams/members');
    expect(storm.statusCode).toBe(429);
    expect(Number(storm.headers['retry-after'])).toBeGreaterThan(0);
    server.setFaults({ storm429Ms: 0 });
    expect((await get('/teams/members')).statusCode).toBe(200);
    expect(() => server.setFaults({ errorRate: 2 })).toThrow(/within 0..1/);
    await server.close();
  });

  it('timeoutRate 1 hangs the request until the client gives up (real socket); close() still returns', async () => {
    const running = await startSimulator({ users: 10, seed: 2, endDay: END, faults: { timeoutRate: 1 } });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(request(`${running.url}/teams/members`, { headers: AUTH, headersTimeout: 300 })).rejects.toThrow(
      /timeout/i,
    );
    running.server.setFaults({ timeoutRate: 0, latencyMs: 50 });
    const started = Date.now();
    const ok = await request(`${running.url}/teams/members`, { headers: AUTH });
    expect(ok.statusCode).toBe(200);
    expect(((await ok.body.json()) as { teamMembers: unknown[] }).teamMembers).toHaveLength(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    await running.close();
  });
});

describe('retention', () => {
  it('with retentionDays, older events and daily usage are no longer served (spend is unaffected)', async () => {
    const now = dayStartMs(END) + 15 * HOUR_MS;
    const sim = createSimulation({ seed: 21, users: 15, endDay: END, retentionDays: 7 });
    const server = createSimulatorServer(sim, { now: () => now, limits: UNLIMITED });
    const post = (url: string, payload: object) => server.inject({ method: 'POST', url, payload, headers: AUTH });
    const from = now - 20 * DAY_MS;
    const { events, total } = await allEvents(post, { startDate: from, endDate: now });
    expect(total).toBe(sim.expected.eventCount(now - 7 * DAY_MS, now, now));
    expect(events.every((e) => Number(e.timestamp) >= now - 7 * DAY_MS)).toBe(true);
    const usage = (await post('/teams/daily-usage-data', { startDate: from, endDate: now })).json();
    expect(usage.data.every((r: { date: number }) => r.date >= dayStartMs('2026-03-03'))).toBe(true);
    await server.close();
  });
});
