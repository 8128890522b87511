import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';

// Real loopback HTTP: jest cannot load light-my-request's ESM-only cookie dependency for inject().
let base = '';
const get = async (path: string) => {
  const res = await fetch(base + path);
  const body = await res.text();
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body, json: () => JSON.parse(body) };
};

describe('buildApp', () => {
  let app: FastifyInstance;
  let ready = false;
  beforeAll(async () => {
    app = await buildApp({
      metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: () => 'cursor_exporter_up 1\n' },
      ready: () => ready,
      plugins: [
        async (a) => {
          a.get('/boom', async () => {
            throw new Error('SELECT secret FROM sqlite_master failed');
          });
          a.get('/bad', async () => {
            throw Object.assign(new Error('days must be 1..90'), { statusCode: 400 });
          });
        },
      ],
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  it('healthz is always 200; readyz is 503 until the first collection, then 200', async () => {
    expect((await get('/healthz')).statusCode).toBe(200);
    const before = await get('/readyz');
    expect(before.statusCode).toBe(503);
    expect(before.json().message).toMatch(/first collection/);
    ready = true;
    expect((await get('/readyz')).statusCode).toBe(200);
  });

  it('serves the metrics exposition', async () => {
    const res = await get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('version=0.0.4');
    expect(res.body).toBe('cursor_exporter_up 1\n');
  });

  it('mounts plugins, hides 5xx details and keeps 4xx messages', async () => {
    const boom = await get('/boom');
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('sqlite_master');
    const bad = await get('/bad');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('days must be 1..90');
  });
});
