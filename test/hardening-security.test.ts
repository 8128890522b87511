/**
 * The served surface, as a client on the network sees it: every route but /metrics (its own token),
 * /healthz and /readyz refuses a missing or wrong token (the list comes from the OpenAPI document, so
 * a new route is covered the day it is added); security headers everywhere; no CORS; and no secret
 * in logs, error bodies or metrics, even when a Slack delivery fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../exporter/src/logger';
import { serve, type ServeHandle } from '../exporter/src/server';
import { startSimulator, type RunningSimulator } from '../exporter/src/simulator/server';
import { freePort } from './helpers/prometheus';

jest.setTimeout(120_000);

const API_TOKEN = 'api-token-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const WEBHOOK_TOKEN = 'webhook-token-0123456789abcdef';
const SLACK_SECRET = 'T000SECRET/B000SECRET/xoxsecretpath';
const ADMIN_KEY = 'key_sim_admin';

describe('the served surface', () => {
  let sim: RunningSimulator;
  let handle: ServeHandle;
  let dir: string;
  const logs: string[] = [];
  let routes: { method: string; path: string }[] = [];

  beforeAll(async () => {
    const END_DAY = '2026-03-10';
    const now = Date.parse(`${END_DAY}T12:00:00.000Z`);
    sim = await startSimulator({
      users: 12,
      seed: 9,
      historyDays: 10,
      endDay: END_DAY,
      scenario: 'default',
      port: 0,
      host: '127.0.0.1',
      now: () => now,
      keys: [ADMIN_KEY],
      limits: { admin: 100_000, usageEvents: 100_000, analytics: 100_000 },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-security-'));
    const closedPort = await freePort(); // Slack deliveries fail: their errors must not carry the URL
    handle = await serve({
      env: {
        CURSOR_ADMIN_API_KEY: ADMIN_KEY,
        CURSOR_API_URL: sim.url,
        DATABASE_PATH: path.join(dir, 's.db'),
        PORT: '0',
        HOST: '127.0.0.1',
        API_TOKEN,
        METRICS_TOKEN,
        ALERTMANAGER_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
        INITIAL_BACKFILL_DAYS: '5',
        COLLECT_INTERVAL: '1d',
        SLACK_WEBHOOK_URL: `http://127.0.0.1:${closedPort}/services/${SLACK_SECRET}`,
        LOG_LEVEL: 'debug',
      },
      logger: createLogger({
        level: 'debug',
        secrets: [ADMIN_KEY, API_TOKEN, METRICS_TOKEN, WEBHOOK_TOKEN],
        destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }),
      }),
      client: { limits: { default: 100_000, usageEvents: 100_000, analyticsTeam: 100_000 } },
      now: () => now,
    });
    await handle.firstCycle;
    const doc = (await (
      await fetch(`${handle.url}/docs/json`, { headers: { authorization: `Bearer ${API_TOKEN}` } })
    ).json()) as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => ({
        method: method.toUpperCase(),
        path: p.replace(/\{[^}]+\}/g, (m) =>
          m === '{email}' ? 'a%40b.c' : m === '{view}' ? 'dau' : m === '{kind}' ? 'users' : '1',
        ),
      })),
    );
  });
  afterAll(async () => {
    await handle.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every documented route, /docs and /docs/json without the right token', async () => {
    expect(routes.length).toBeGreaterThan(30);
    const targets = [...routes, { method: 'GET', path: '/docs' }, { method: 'GET', path: '/docs/json' }];
    for (const r of targets) {
      for (const authorization of [
        undefined,
        'Bearer wrong-token-0123456789',
        `Bearer ${METRICS_TOKEN}`,
        `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}`,
      ]) {
        const res = await fetch(`${handle.url}${r.path}`, {
          method: r.method,
          headers: authorization ? { authorization } : {},
        });
        expect({ ...r, authorization, status: res.status }).toEqual({ ...r, authorization, status: 401 });
        await res.arrayBuffer();
      }
    }
    // The webhook token opens the webhook and nothing else.
    const other = await fetch(`${handle.url}/api/v1/health`, { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } });
    expect(other.status).toBe(401);
  });

  it('leaves /healthz and /readyz open and guards /metrics with its own token only', async () => {
    expect((await fetch(`${handle.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${handle.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${handle.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${handle.url}/metrics`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(
      401,
    );
    expect(
      (await fetch(`${handle.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(200);
    expect((await fetch(`${handle.url}/docs/json`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(
      200,
    );
  });

  it('sends security headers on every kind of response', async () => {
    for (const [p, headers] of [
      ['/healthz', {}],
      ['/api/v1/health', { authorization: `Bearer ${API_TOKEN}` }],
      ['/api/v1/health', {}],
      ['/docs/json', { authorization: `Bearer ${API_TOKEN}` }],
    ] as const) {
      const res = await fetch(`${handle.url}${p}`, { headers });
      expect({ p, nosniff: res.headers.get('x-content-type-options') }).toEqual({ p, nosniff: 'nosniff' });
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
      await res.arrayBuffer();
    }
  });

  it('has no CORS: no preflight approval, no Access-Control-Allow-Origin', async () => {
    const preflight = await fetch(`${handle.url}/api/v1/health`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${handle.url}/api/v1/health`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${API_TOKEN}` },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never shows a secret in logs, error bodies or metrics', async () => {
    const bodies: string[] = [];
    for (const [p, authorization] of [
      ['/api/v1/health', `Bearer ${API_TOKEN}x`],
      ['/api/v1/users/nobody%40acme.io', `Bearer ${API_TOKEN}`],
      ['/api/v1/series?from=abc', `Bearer ${API_TOKEN}`],
      ['/metrics', `Bearer ${METRICS_TOKEN}`],
    ] as const) {
      bodies.push(await (await fetch(`${handle.url}${p}`, { headers: { authorization } })).text());
    }
    await handle.pipeline.runCycle(); // a second cycle: detection again, digests, Slack failing again
    const everything = [...logs, ...bodies].join('\n');
    expect(logs.length).toBeGreaterThan(10);
    expect(bodies[3]).toMatch(/^cursor_exporter_last_collect_success 1$/m);
    for (const secret of [
      ADMIN_KEY,
      API_TOKEN,
      METRICS_TOKEN,
      WEBHOOK_TOKEN,
      SLACK_SECRET,
      Buffer.from(`${ADMIN_KEY}:`).toString('base64'),
    ]) {
      expect({ secret, shown: everything.includes(secret) }).toEqual({ secret, shown: false });
    }
  });
});
