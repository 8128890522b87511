import http from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { metricsRoute, type MetricsSource } from './route';

const TEXT = '# HELP x_total x\n# TYPE x_total counter\nx_total 1\n';
// As the metrics service keeps it: only the compressed body, the text inflated on demand.
const packed = gzipSync(TEXT);
const source: MetricsSource = {
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  body: async () => gunzipSync(packed),
  gzipBody: () => packed,
};

// Real loopback HTTP rather than inject(): it is what Prometheus does, and light-my-request's ESM
// dependency does not load under this repo's CommonJS jest transform.
let app: FastifyInstance;
let url: string;
async function build(token?: string): Promise<void> {
  app = Fastify();
  await app.register(metricsRoute, { source, token });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/metrics`;
}
afterEach(() => app.close());

describe('metricsRoute', () => {
  it('serves the exposition without auth by default', async () => {
    await build();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(source.contentType);
    expect(await res.text()).toBe(TEXT);
  });

  // node:http, because fetch asks for gzip and decompresses transparently, hiding what was sent.
  const get = (headers: http.OutgoingHttpHeaders) =>
    new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      http
        .get(url, { headers }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });

  it('serves the pre-compressed body to clients accepting gzip', async () => {
    await build();
    const res = await get({ 'accept-encoding': 'gzip' });
    expect(res.encoding).toBe('gzip');
    expect(res.body).toEqual(packed);
  });

  it('serves the text to clients that do not accept gzip', async () => {
    await build();
    const res = await get({});
    expect(res.encoding).toBeUndefined();
    expect(res.body.toString()).toBe(TEXT);
  });

  it('requires the bearer token when one is configured, without echoing it', async () => {
    await build('s3cret-token');
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cret-token-longer', 'Basic s3cret-token']) {
      const res = await fetch(url, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await res.text()).not.toContain('s3cret');
    }
    const ok = await fetch(url, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(TEXT);
  });
});
