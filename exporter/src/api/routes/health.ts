import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { HOUR_MS } from '../../domain/time';
import { dataAgeMs } from '../../queries/health';
import { Health } from '../../schemas/health';
import type { ApiContext } from '../context';

/**
 * For Grafana's "Save & test": reaching this handler already proves the token (auth runs first);
 * it then checks that the store answers and how fresh the data is. Always 200 with a status, so the
 * plugin can show "stale" as a warning rather than a connection failure; 503 only if the store fails.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{
  ctx: ApiContext;
  authMode: 'on' | 'off';
  maxAgeMs?: number;
}> = async (app, opts) => {
  const { ctx } = opts;
  const maxAgeMs = opts.maxAgeMs ?? 3 * HOUR_MS;
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Auth, store and data freshness',
        response: {
          200: Health,
          503: Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() }),
        },
      },
    },
    async (_req, reply) => {
      let f;
      try {
        f = ctx.read.freshness();
      } catch (err) {
        _req.log.error({ err }, 'health: store check failed');
        return reply
          .code(503)
          .send({ statusCode: 503, error: 'Service Unavailable', message: 'the store does not answer' });
      }
      const age = dataAgeMs(f, ctx.now());
      const status = age === null ? 'empty' : age > maxAgeMs ? 'stale' : 'ok';
      const message = {
        empty: 'connected; no data collected yet',
        stale: `connected; data is ${Math.round((age ?? 0) / 60_000)} min old (expected under ${Math.round(maxAgeMs / 60_000)} min)`,
        ok: 'connected; data is fresh',
      }[status];
      return {
        status,
        auth: opts.authMode,
        store: { ok: true, schema_version: f.schemaVersion },
        data: {
          last_collection_ms: f.lastCollectionMs,
          last_collection_status: f.lastCollectionStatus,
          latest_usage_day: f.latestUsageDay,
          age_ms: age,
          max_age_ms: maxAgeMs,
        },
        message,
      } as const;
    },
  );
};
