import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from './logger';
import { metricsRoute, type MetricsSource } from './metrics/route';

export interface AppDeps {
  /** The exposition served at /metrics (the metrics service fits). */
  metrics: MetricsSource;
  /** METRICS_TOKEN: when set, /metrics needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** False until the first collection has finished: /readyz answers 503 until then. */
  ready: () => boolean;
  /** Further route plugins (the JSON API), registered after the core routes. */
  plugins?: FastifyPluginAsync[];
  logger?: Logger;
}

/**
 * Builds the HTTP app without listening (tests use inject). /healthz says the process is up,
 * /readyz says whether there is collected data to serve yet.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // No per-request log lines: Prometheus scrapes every few seconds and would drown the collector's logs.
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;

  // A 5xx never shows its internals (SQL, paths, upstream text) to the caller; the log has them.
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err, url: req.url, method: req.method }, 'request failed');
      return reply.code(status).send({ error: 'Internal Server Error', message: 'internal error', statusCode: status });
    }
    return reply.code(status).send({ error: err.name, message: err.message, statusCode: status });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) =>
    deps.ready()
      ? { status: 'ready' }
      : reply.code(503).send({ status: 'not ready', message: 'waiting for the first collection to finish' }),
  );
  await app.register(metricsRoute, { source: deps.metrics, token: deps.metricsToken });
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}
