import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';

/** Anything that serves a ready exposition (MetricsService fits). */
export interface MetricsSource {
  readonly contentType: string;
  /** The text, for clients that do not accept gzip. */
  body(): string | Buffer | Promise<Buffer>;
  /** The same, gzip-compressed: what Prometheus gets. */
  gzipBody?(): Buffer;
}

export interface MetricsRouteOptions {
  source: MetricsSource;
  /** METRICS_TOKEN: when set, scrapes need `Authorization: Bearer <token>`. Off by default, as Prometheus users expect. */
  token?: string;
  /** Defaults to /metrics. */
  path?: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * GET /metrics from memory: no store or upstream access, so it answers 200 even while Cursor is
 * down (a failing scrape would mark every series stale and resolve every open alert). Serves the
 * pre-compressed exposition to clients that accept gzip, which Prometheus always does.
 */
export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (app, opts) => {
  // Comparing fixed-length digests keeps the check constant-time whatever the presented length.
  const expected = opts.token ? digest(opts.token) : null;
  app.get(opts.path ?? '/metrics', async (req, reply) => {
    if (expected) {
      const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1].trim()), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .type('text/plain')
          .send('missing or invalid bearer token\n');
      }
    }
    reply
      .header('content-type', opts.source.contentType)
      .header('cache-control', 'no-store')
      .header('vary', 'accept-encoding');
    const packed = opts.source.gzipBody?.();
    if (packed && /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(packed);
    }
    return reply.send(await opts.source.body());
  });
};
