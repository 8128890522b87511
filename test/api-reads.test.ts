import type { FastifyInstance } from 'fastify';
import { auth, buildTestApp, call, NOW, seedTeam } from '../exporter/src/api/testing';
import type { Db } from '../exporter/src/store/db';
import { addUsageDaily } from '../exporter/src/store/usage-daily';

const FROM = Date.parse('2026-03-01T00:00:00Z');
const TO = Date.parse('2026-03-10T12:00:00Z');
const range = `from=${FROM}&to=${TO}`;
const DAY = 86_400_000;

let db: Db;
let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  db = seedTeam();
  ({ app, base } = await buildTestApp(db));
});
afterAll(async () => {
  await app.close();
  db.close();
});

const get = (url: string, headers: Record<string, string> = auth) => call(base, 'GET', `/api/v1${url}`, { headers });

describe('auth', () => {
  const routes = [
    '/health',
    `/series?metric=spend&${range}`,
    `/tables/members?${range}`,
    '/groups',
    '/incidents',
    '/settings',
    '/variables/users',
  ];
  test.each(routes)('%s refuses a missing token', async (url) => {
    const r = await get(url, {});
    expect(r.status).toBe(401);
    expect(r.body.message).toBe('missing Authorization: Bearer <API_TOKEN>');
  });
  test.each(routes)('%s refuses a wrong token', async (url) => {
    const r = await get(url, { authorization: 'Bearer nope' });
    expect(r.status).toBe(401);
    expect(r.body.message).toBe('invalid bearer token');
  });
  test('refuses to start with auth on and no token', async () => {
    await expect(buildTestApp(db, { auth: { mode: 'on' } })).rejects.toThrow(/API_TOKEN/);
  });
  test('auth off must be explicit and then needs no header', async () => {
    const open = await buildTestApp(db, { auth: { mode: 'off' } });
    const res = await call(open.base, 'GET', '/api/v1/health', { headers: {} });
    expect(res.status).toBe(200);
    expect(res.body.auth).toBe('off');
    await open.app.close();
  });
});

describe('validation', () => {
  test('a missing parameter is named', async () => {
    const r = await get(`/series?metric=spend&from=${FROM}`);
    expect([r.status, r.body]).toEqual([
      400,
      { statusCode: 400, error: 'Bad Request', message: 'querystring.to is required', field: 'querystring.to' },
    ]);
  });
  test('a bad enum value is named', async () => {
    const r = await get(`/series?metric=dollars&${range}`);
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('querystring.metric');
  });
  test('a sub-day interval is refused with the reason', async () => {
    const r = await get(`/series?metric=spend&${range}&interval=1h`);
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('querystring.interval');
    expect(r.body.message).toMatch(/at least 1d, because usage data is daily/);
  });
  test('to before from is refused', async () => {
    const r = await get(`/series?metric=spend&from=${TO}&to=${FROM}`);
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('querystring.to');
  });
  test('unknown users and groups are 404', async () => {
    expect((await get(`/series?metric=spend&${range}&user=nobody@acme.io`)).status).toBe(404);
    expect((await get(`/tables/members?${range}&group=g_nope`)).status).toBe(404);
    expect((await get(`/users/nobody@acme.io?${range}`)).status).toBe(404);
  });
});

describe('series', () => {
  test('team spend per day, exact', async () => {
    const r = await get(`/series?metric=spend&${range}`);
    expect(r.status).toBe(200);
    expect(r.body.columns).toEqual([
      { name: 'time', type: 'time' },
      { name: 'team', type: 'number', unit: 'currencyUSD' },
    ]);
    expect(r.body.rows).toHaveLength(10);
    expect(r.body.rows[0]).toEqual({ time: FROM, team: 0 });
    expect(r.body.rows[1]).toEqual({ time: FROM + DAY, team: 25 });
    expect(r.body.rows[2]).toEqual({ time: FROM + 2 * DAY, team: 13 });
  });
  test('weekly buckets', async () => {
    const r = await get(`/series?metric=spend&${range}&interval=7d`);
    expect(r.body.rows).toEqual([
      { time: FROM, team: 38 },
      { time: FROM + 7 * DAY, team: 0 },
    ]);
  });
  test('by model, ordered by total', async () => {
    const r = await get(`/series?metric=spend&by=model&${range}`);
    expect(r.body.columns.map((c: { name: string }) => c.name)).toEqual(['time', 'claude-4-opus-max', 'gpt-5']);
    expect(r.body.rows[1]).toEqual({ time: FROM + DAY, 'claude-4-opus-max': 20, 'gpt-5': 5 });
  });
  test('by group uses group names; limit folds the rest into other', async () => {
    const r = await get(`/series?metric=requests&by=group&${range}&limit=1`);
    expect(r.body.columns.map((c: { name: string }) => c.name)).toEqual(['time', 'Eng > Web', 'other']);
    expect(r.body.rows[2]).toEqual({ time: FROM + 2 * DAY, 'Eng > Web': 10, other: 10 });
  });
  test('by user filtered to a parent group and a model', async () => {
    const r = await get(`/series?metric=tokens&by=user&${range}&group=parent:Eng&model=gpt-5`);
    expect(r.body.columns.map((c: { name: string }) => c.name)).toEqual([
      'time',
      'bob@acme.io',
      'carol@acme.io',
      'alice@acme.io',
    ]);
    expect(r.body.rows[1]).toEqual({ time: FROM + DAY, 'bob@acme.io': 300, 'carol@acme.io': 0, 'alice@acme.io': 15 });
  });
  test('cost per request is a ratio of sums, null on empty days', async () => {
    const r = await get(`/series?metric=cost_per_request&${range}`);
    expect(r.body.rows[0].team).toBeNull();
    expect(r.body.rows[1].team).toBeCloseTo(25 / 65, 10);
  });
});

describe('tables', () => {
  test('members with ranks, plan usage and badges', async () => {
    const r = await get(`/tables/members?${range}`);
    expect(r.status).toBe(200);
    expect(r.body.meta).toEqual({ total: 4 });
    expect(r.body.rows.map((x: { email: string }) => x.email)).toEqual([
      'alice@acme.io',
      'bob@acme.io',
      'carol@acme.io',
      'dan@acme.io',
    ]);
    expect(r.body.rows[0]).toEqual({
      spend_rank: 1,
      activity_rank: 2,
      email: 'alice@acme.io',
      name: 'Alice',
      role: 'member',
      group: 'Eng > Web',
      spend_usd: 31,
      requests: 35,
      agent_requests: 35,
      lines_added: 150,
      cost_per_request_usd: 31 / 35,
      avg_context_tokens: 80,
      model: 'claude-4-opus-max',
      active_days: 2,
      last_active: FROM + 2 * DAY,
      cycle_spend_usd: 50,
      included_usd: 20,
      on_demand_usd: 30,
      plan_usage: 1,
      plan_exhausted: FROM + DAY,
      limit_usd: 100,
      badges: 'deep-thinker,short-sessions,moderate-adoption',
    });
    expect(r.body.rows[1].badges).toBe('balanced,cost-efficient,ai-native');
    expect(r.body.rows[2].badges).toBe('light-user');
    expect(r.body.rows[3]).toMatchObject({
      spend_usd: 0,
      cycle_spend_usd: null,
      activity_rank: 4,
      badges: 'light-user',
    });
  });
  test('members search, badge filter, sort and paging', async () => {
    expect((await get(`/tables/members?${range}&q=CAR`)).body.rows.map((x: { name: string }) => x.name)).toEqual([
      'Carol',
    ]);
    expect(
      (await get(`/tables/members?${range}&badge=ai-native`)).body.rows.map((x: { name: string }) => x.name),
    ).toEqual(['Bob']);
    const byName = await get(`/tables/members?${range}&sort=name&limit=2&offset=1`);
    expect(byName.body.rows.map((x: { name: string }) => x.name)).toEqual(['Bob', 'Carol']);
    expect(byName.body.meta.total).toBe(4);
    expect(
      (await get(`/tables/members?${range}&group=g_web&sort=requests`)).body.rows.map((x: { name: string }) => x.name),
    ).toEqual(['Bob', 'Alice']);
  });
  test('top spenders', async () => {
    const r = await get(`/tables/top-spenders?${range}&limit=2`);
    expect(r.body.rows).toEqual([
      {
        rank: 1,
        email: 'alice@acme.io',
        name: 'Alice',
        group: 'Eng > Web',
        spend_usd: 31,
        requests: 35,
        cost_per_request_usd: 31 / 35,
        share: 31 / 38,
      },
      {
        rank: 2,
        email: 'bob@acme.io',
        name: 'Bob',
        group: 'Eng > Web',
        spend_usd: 4,
        requests: 40,
        cost_per_request_usd: 0.1,
        share: 4 / 38,
      },
    ]);
  });
  test('model cost comparison against the cheapest model and the team median', async () => {
    const r = await get(`/tables/model-costs?${range}`);
    expect(r.body.meta).toEqual({ team_median_cost_per_request_usd: 0.3 });
    expect(r.body.rows[0]).toEqual({
      model: 'claude-4-opus-max',
      users: 1,
      requests: 30,
      spend_usd: 30,
      cost_per_request_usd: 1,
      relative: 6.875,
      vs_team_median: 100 / 30,
    });
    expect(r.body.rows[1]).toMatchObject({ model: 'gpt-5', users: 3, requests: 55, spend_usd: 8, relative: 1 });
  });
  test('users x models with the savings estimate', async () => {
    const r = await get(`/tables/user-model-costs?${range}&limit=2`);
    expect(r.body.meta).toEqual({ team_median_cost_per_request_usd: 0.3, total_savings_usd: 21 });
    expect(r.body.rows[0]).toEqual({
      email: 'alice@acme.io',
      name: 'Alice',
      model: 'claude-4-opus-max',
      requests: 30,
      spend_usd: 30,
      cost_per_request_usd: 1,
      vs_team_median: 100 / 30,
      savings_usd: 21,
    });
    expect(r.body.rows[1].savings_usd).toBe(0);
  });
  // Carol's on-demand spend counts as plan exhaustion (the digest's rule, now shared): 2 exhausted, not 1.
  test('cycle summary uses the billed cycle total', async () => {
    const r = await get('/tables/cycle-summary');
    expect(r.body.rows).toEqual([
      {
        cycle_start: Date.parse('2026-03-01T00:00:00Z'),
        cycle_end: Date.parse('2026-04-01T00:00:00Z'),
        cycle_day: 10,
        cycle_days: 31,
        days_left: 22,
        spend_usd: 85,
        previous_spend_usd: 40,
        change: 1.125,
        members: 4,
        active_members: 3,
        unused_seats: 1,
        plan_exhausted: 2,
        top_spenders: 'Alice ($50.00), Carol ($25.00), Bob ($10.00)',
      },
    ]);
    expect((await get('/tables/cycle-summary?group=g_api')).body.rows[0]).toMatchObject({
      spend_usd: 25,
      members: 1,
      plan_exhausted: 1,
    });
  });
  test('plan exhaustion', async () => {
    const r = await get('/tables/plan-exhaustion');
    // Usage-based requests: the larger of daily usage (5) and usage events (6). Carol ran out (on-demand spend)
    // with no usage-based day on record, so she has no exhaustion day.
    expect(r.body.rows).toEqual([
      { email: 'alice@acme.io', name: 'Alice', exhausted: FROM + DAY, cycle_day: 2, usage_based_requests: 6 },
      { email: 'carol@acme.io', name: 'Carol', exhausted: null, cycle_day: null, usage_based_requests: 0 },
    ]);
    expect(r.body.meta).toEqual({
      users_exhausted: 2,
      total_active: 3,
      share: 2 / 3,
      avg_days: 2,
      median_days: 2,
      'Day 1-3': 1,
      'Day 4-7': 0,
      'Day 8-14': 0,
      'Day 15+': 0,
    });
    expect((await get('/tables/plan-exhaustion?group=g_web')).body.rows.map((x: { email: string }) => x.email)).toEqual(
      ['alice@acme.io'],
    );
  });
  test('forecasts, budgets and savings come from the last detection run', async () => {
    expect((await get('/tables/forecasts')).body).toEqual(
      expect.objectContaining({ rows: [], meta: { updated: null } }),
    );
    db.prepare(`INSERT INTO detection_outputs (kind, run_id, value, updated_ms) VALUES ('forecasts', 1, ?, ?)`).run(
      JSON.stringify([
        {
          subject: 'user',
          email: 'alice@acme.io',
          groupId: 'g_web',
          groupName: 'Eng > Web',
          cycleStartDay: '2026-03-01',
          cycleEndDay: '2026-03-31',
          asOfDay: '2026-03-09',
          daysElapsed: 9,
          daysTotal: 31,
          toDateMicro: 5000 * 1e6,
          forecastMicro: 17000 * 1e6,
          lowMicro: 12000 * 1e6,
          highMicro: 20000 * 1e6,
          dailyRateMicro: 550 * 1e6,
          includedMicro: 2000 * 1e6,
          exhaustionDay: '2026-03-02',
          exhausted: true,
        },
        {
          subject: 'user',
          email: 'carol@acme.io',
          groupId: 'g_api',
          groupName: 'Eng > API',
          cycleStartDay: '2026-03-01',
          cycleEndDay: '2026-03-31',
          asOfDay: '2026-03-09',
          daysElapsed: 9,
          daysTotal: 31,
          toDateMicro: 0,
          forecastMicro: 100 * 1e6,
          lowMicro: 0,
          highMicro: 200 * 1e6,
          dailyRateMicro: 0,
          includedMicro: null,
          exhaustionDay: null,
          exhausted: false,
        },
      ]),
      NOW,
    );
    const r = await get('/tables/forecasts?group=g_web');
    expect(r.body.rows).toEqual([
      {
        subject: 'user',
        email: 'alice@acme.io',
        group_id: 'g_web',
        group: 'Eng > Web',
        to_date_usd: 50,
        forecast_usd: 170,
        low_usd: 120,
        high_usd: 200,
        daily_rate_usd: 5.5,
        included_usd: 20,
        exhaustion: FROM + DAY,
        exhausted: true,
        days_elapsed: 9,
        days_total: 31,
      },
    ]);
    expect((await get('/tables/budgets')).body.rows).toEqual([]);
    expect((await get('/tables/savings')).body.meta.total_savings_usd).toBeNull();
  });
});

describe('user drilldown', () => {
  test('summary', async () => {
    const r = await get(`/users/Alice@acme.io?${range}`);
    expect(r.body.rows[0]).toMatchObject({
      email: 'alice@acme.io',
      spend_rank: 1,
      total_ranked: 4,
      accept_rate: 0.65,
      group_id: 'g_web',
      cycle_day: 10,
    });
    const unit = (name: string) => r.body.columns.find((c: { name: string }) => c.name === name);
    expect(unit('spend_usd')).toEqual({ name: 'spend_usd', type: 'number', unit: 'currencyUSD' });
    expect(unit('plan_usage')).toEqual({ name: 'plan_usage', type: 'number', unit: 'percentunit' });
    expect(unit('last_active')).toMatchObject({ type: 'time' });
  });
  test('timeline', async () => {
    const r = await get(`/users/alice@acme.io/timeline?${range}`);
    expect(r.body.rows).toEqual([
      {
        time: FROM + DAY,
        spend_usd: 21,
        requests: 25,
        input_tokens: 110,
        output_tokens: 55,
        cache_write_tokens: 0,
        cache_read_tokens: 1000,
        agent_requests: 20,
        lines_added: 100,
        lines_deleted: 0,
        accepts: 8,
        tabs_accepted: 0,
        model: 'claude-4-opus-max',
        client_version: '1.5.0',
      },
      {
        time: FROM + 2 * DAY,
        spend_usd: 10,
        requests: 10,
        input_tokens: 100,
        output_tokens: 50,
        cache_write_tokens: 0,
        cache_read_tokens: 1000,
        agent_requests: 15,
        lines_added: 50,
        lines_deleted: 0,
        accepts: 5,
        tabs_accepted: 0,
        model: 'claude-4-opus-max',
        client_version: '1.5.0',
      },
    ]);
  });
  test('models', async () => {
    const r = await get(`/users/alice@acme.io/models?${range}`);
    expect(r.body.rows[0]).toEqual({
      model: 'claude-4-opus-max',
      requests: 30,
      spend_usd: 30,
      cost_per_request_usd: 1,
      events: 20,
      included_events: 14,
      usage_based_events: 6,
      errored_events: 0,
      max_mode_events: 0,
      tokens: 2300,
    });
    expect(r.body.rows[1]).toMatchObject({ model: 'gpt-5', spend_usd: 1, requests: 5 });
  });
  test('features', async () => {
    const r = await get(`/users/alice@acme.io/features?${range}`);
    const f = Object.fromEntries(r.body.rows.map((x: { feature: string; count: number }) => [x.feature, x.count]));
    expect(f).toMatchObject({ agent: 35, applies: 20, accepts: 13, usage_based_requests: 5, chat: 0 });
  });
  test('anomaly history', async () => {
    db.prepare(
      `INSERT INTO incidents (key, detector, severity, subject, email, day, message, value, threshold, unit, status, onset_ms, detected_ms, first_run, last_seen_run, updated_ms)
       VALUES ('spend_spike:bob@acme.io', 'spend_spike', 'warning', 'user', 'bob@acme.io', '2026-03-02', 'Bob spiked', 40, 20, 'usd', 'detected', ?, ?, 1, 1, ?)`,
    ).run(NOW - 3600_000, NOW - 1800_000, NOW);
    const r = await get('/users/bob@acme.io/anomalies');
    expect(r.body.rows).toEqual([
      {
        id: expect.any(Number),
        detected: NOW - 1800_000,
        detector: 'spend_spike',
        severity: 'warning',
        status: 'detected',
        message: 'Bob spiked',
        value: 40,
        threshold: 20,
        unit: 'usd',
        resolved: null,
      },
    ]);
  });
});

describe('analytics and variables', () => {
  test('dau', async () => {
    expect((await get(`/analytics/dau?${range}`)).body.rows).toEqual([
      { time: FROM + DAY, dau: 3, cli_dau: 1, cloud_agent_dau: 0, bugbot_dau: 0 },
      { time: FROM + 2 * DAY, dau: 2, cli_dau: 0, cloud_agent_dau: 1, bugbot_dau: 0 },
    ]);
  });
  test('models, adoption, mcp, commands, extensions, versions', async () => {
    expect((await get(`/analytics/models?${range}`)).body.rows).toEqual([
      { model: 'gpt-5', messages: 50, users: 3, share: 50 / 60 },
      { model: 'claude-4-opus-max', messages: 10, users: 1, share: 10 / 60 },
    ]);
    expect((await get(`/analytics/model-adoption?${range}`)).body.rows[0]).toEqual({
      time: FROM + DAY,
      'gpt-5': 0.75,
      'claude-4-opus-max': 0.25,
      other: 0,
    });
    expect((await get(`/analytics/mcp?${range}`)).body.rows).toEqual([
      { server: 'github', tool: 'create_pr', calls: 6 },
      { server: 'linear', tool: 'search', calls: 5 },
    ]);
    expect((await get(`/analytics/commands?${range}`)).body.rows).toEqual([{ command: 'review', usage: 5 }]);
    expect((await get(`/analytics/file-extensions?${range}`)).body.rows).toEqual([
      { extension: 'ts', lines_accepted: 120, files: 5 },
      { extension: 'py', lines_accepted: 30, files: 2 },
    ]);
    expect((await get(`/analytics/client-versions?${range}`)).body.rows).toEqual([
      { version: '1.9.3', users: 3, share: 0.75, latest: false },
      { version: '1.10.0', users: 1, share: 0.25, latest: true },
    ]);
  });
  test('variables with search-as-you-type', async () => {
    expect((await get('/variables/users?q=AL')).body.rows).toEqual([
      { text: 'Alice <alice@acme.io>', value: 'alice@acme.io' },
    ]);
    expect((await get('/variables/groups?q=eng')).body.rows).toEqual([
      { text: 'Eng > API', value: 'g_api' },
      { text: 'Eng > Web', value: 'g_web' },
    ]);
    expect((await get('/variables/models')).body.rows.map((x: { value: string }) => x.value)).toEqual([
      'claude-4-opus-max',
      'gpt-5',
    ]);
    expect((await get('/variables/users?q=%25')).body.rows).toEqual([]);
  });
});

describe('health and docs', () => {
  test('health reports auth, store and freshness', async () => {
    const r = await get('/health');
    expect(r.body).toEqual({
      status: 'ok',
      auth: 'on',
      store: { ok: true, schema_version: expect.any(Number) },
      data: {
        last_collection_ms: NOW - 20 * 60_000,
        last_collection_status: 'ok',
        latest_usage_day: '2026-03-03',
        age_ms: 20 * 60_000,
        max_age_ms: 3 * 3600_000,
      },
      message: 'connected; data is fresh',
    });
  });
  test('OpenAPI lists every route with tags and bearer security', async () => {
    const spec = (await call(base, 'GET', '/docs/json', { headers: {} })).body;
    expect(spec.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/series',
        '/api/v1/tables/members',
        '/api/v1/groups/hibob/apply',
        '/api/v1/alertmanager',
      ]),
    );
    for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, { tags?: string[] }>>)) {
      for (const op of Object.values(ops)) expect({ path, tags: op.tags?.length ?? 0 }).toEqual({ path, tags: 1 });
    }
  });
  test('responses change when the store changes (cache invalidation)', async () => {
    const before = (await get(`/series?metric=spend&${range}`)).body.rows[4].team;
    const dan = { day: '2026-03-05', email: 'dan@acme.io', model: 'gpt-5' };
    addUsageDaily(db, [{ ...dan, events: 1, requests: 1, charged_micro: 7000000 }]);
    expect(before).toBe(0);
    expect((await get(`/series?metric=spend&${range}`)).body.rows[4].team).toBe(0.07);
    addUsageDaily(db, [{ ...dan, events: -1, requests: -1, charged_micro: -7000000 }]);
    expect((await get(`/series?metric=spend&${range}`)).body.rows[4].team).toBe(0);
  });
});
