/**
 * API errors a client can act on: body fields named as body fields, enum errors listing the
 * accepted values, the right reason phrase for 413/415/429, from > to refused everywhere, group
 * names unique; and a request log that records rejected credentials without ever holding them.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { apiPlugin } from '../exporter/src/api';
import { auth, call, NOW, seedTeam, TOKEN } from '../exporter/src/api/testing';
import { Store } from '../exporter/src/store';
import { createLogger } from '../exporter/src/logger';

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

describe('API errors and request log', () => {
  let app: FastifyInstance;
  let base: string;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    const logger = createLogger({
      level: 'info',
      secrets: [TOKEN],
      destination: new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c)) as LogLine), cb()) }),
    });
    app = Fastify({ loggerInstance: logger }) as unknown as FastifyInstance;
    await app.register(apiPlugin, {
      prefix: '/api/v1',
      store: new Store(seedTeam()),
      auth: { mode: 'on', token: TOKEN },
      nowMs: () => NOW,
      rateLimit: { max: 8, timeWindow: '1 minute' },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  it('names body fields of POST /settings/backtest as body fields', async () => {
    const r = await call(base, 'POST', '/api/v1/settings/backtest', { body: { from: NOW, to: NOW - 86_400_000 } });
    expect([r.status, r.body.field]).toEqual([400, 'body.to']);
  });

  it('lists the accepted values of an enum', async () => {
    const r = await call(base, 'GET', `/api/v1/series?from=${NOW - 7 * 86_400_000}&to=${NOW}&metric=dollars`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      field: 'querystring.metric',
      message: 'querystring.metric must be one of "spend", "requests", "tokens", "cost_per_request"',
    });
  });

  it('refuses from > to on /incidents like every other route', async () => {
    const r = await call(base, 'GET', `/api/v1/incidents?from=${NOW}&to=${NOW - 1}`);
    expect([r.status, r.body.field]).toEqual([400, 'querystring.to']);
  });

  it('refuses a second group with the same name (the CSV backup is keyed by name), on create and rename', async () => {
    const dup = await call(base, 'POST', '/api/v1/groups', { body: { name: '  ops ' } });
    expect([dup.status, dup.body.field]).toEqual([400, 'body.name']);
    expect(dup.body.message).toMatch(/already exists/);
    const rename = await call(base, 'PATCH', '/api/v1/groups/g_web', { body: { name: 'Eng > API' } });
    expect([rename.status, rename.body.field]).toEqual([400, 'body.name']);
    // Renaming a group to its own name (another case) is fine.
    expect((await call(base, 'PATCH', '/api/v1/groups/g_ops', { body: { name: 'OPS' } })).status).toBe(200);
  });

  it('uses the status reason phrase for 413 and 415', async () => {
    const big = await fetch(`${base}/api/v1/groups`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
    });
    expect([big.status, ((await big.json()) as { error: string }).error]).toEqual([413, 'Payload Too Large']);
    const xml = await fetch(`${base}/api/v1/groups`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/xml' },
      body: '<name>x</name>',
    });
    expect([xml.status, ((await xml.json()) as { error: string }).error]).toEqual([415, 'Unsupported Media Type']);
  });

  it('says Too Many Requests on 429', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 10 && last?.status !== 429; i++) {
      last = await fetch(`${base}/api/v1/settings`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      });
    }
    expect(last?.status).toBe(429);
    expect(((await last!.json()) as { error: string }).error).toBe('Too Many Requests');
  });

  it('logs every request at info and every rejected credential at warn, never the token', async () => {
    const wrong = 'wrong-token-abcdefghijkl';
    expect((await call(base, 'GET', '/api/v1/health', { headers: { authorization: `Bearer ${wrong}` } })).status).toBe(
      401,
    );
    expect((await call(base, 'GET', '/api/v1/health', { headers: {} })).status).toBe(401);
    expect((await call(base, 'GET', '/api/v1/health?q=secret-looking')).status).toBe(200);
    const rejected = lines.filter((l) => l.msg === 'api request rejected: authentication failed');
    expect(rejected.map((l) => [l.level, l.reason, l.path])).toEqual([
      [40, 'invalid bearer token', '/api/v1/health'],
      [40, 'no bearer token', '/api/v1/health'],
    ]);
    const requests = lines.filter((l) => l.msg === 'api request');
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.at(-1)).toMatchObject({
      level: 30,
      method: 'GET',
      path: '/api/v1/health',
      status: 200,
      route: '/api/v1/health',
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain('secret-looking');
  });
});
