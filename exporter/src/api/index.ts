import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Store } from '../store';
import { BadInput } from '../domain/errors';
import { ReadModel } from '../queries/read-model';
import { pathOf, refuseUnlessBearer } from './auth';
import { ApiContext } from './context';
import { describeValidation, errorHandler } from './errors';
import { ErrorResponse } from '../schemas/common';
import { alertmanagerRoutes } from './routes/alertmanager';
import { analyticsRoutes, variableRoutes } from './routes/analytics';
import { groupRoutes } from './routes/groups';
import { healthRoutes } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import type { MutationLimit } from './routes/limits';
import { seriesRoutes } from './routes/series';
import { settingsRoutes } from './routes/settings';
import { tableRoutes } from './routes/tables';
import { userRoutes } from './routes/users';

export interface ApiOptions {
  store: Store;
  /** mode 'on' requires `token`; 'off' must be chosen explicitly (API_AUTH=off, or demo without API_TOKEN). */
  auth: { token?: string; mode: 'on' | 'off' };
  nowMs?: () => number;
  /** Extra bearer token accepted only by POST /alertmanager (so Alertmanager needs no full API token). */
  alertmanagerToken?: string;
  /** Data older than this makes /health report "stale" (default 3 h). */
  maxDataAgeMs?: number;
  /** Per-client limit for mutations (default 60/min). */
  rateLimit?: MutationLimit;
  /**
   * The routes' store, clock and read cache; pass one to share it with the cache warming (warm.ts).
   * Default: a new context over `store` (and a read model of it), `nowMs` and `rateLimit`.
   */
  context?: ApiContext;
}

const WEBHOOK = '/alertmanager';

/** `GET /users/:email/timeline` → `getUsersByEmailTimeline`. */
function operationId(method: string | string[], path: string): string {
  const verb = (Array.isArray(method) ? method[0] : method).toLowerCase();
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((seg) =>
      seg.startsWith(':') ? ['by', ...seg.slice(1).split(/[^A-Za-z0-9]+/)] : seg.split(/[^A-Za-z0-9]+/),
    )
    .filter(Boolean);
  return verb + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/**
 * The JSON API, mounted by the app at /api/v1. Every route requires `Authorization: Bearer <token>`
 * unless auth is explicitly off; mutations are rate-limited; every error is `ErrorResponse`.
 */
export const apiPlugin: FastifyPluginAsync<ApiOptions> = async (root, opts) => {
  if (opts.auth.mode === 'on' && !opts.auth.token) {
    throw new Error('API auth is on but no API_TOKEN is set; set API_TOKEN, or API_AUTH=off to run without auth');
  }
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // Every route documents an operationId and the 401 it answers without the token (OpenAPI clients
  // and linters rely on both); set before the routes below are declared.
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ??= {}) as { operationId?: string; response?: Record<string | number, unknown> };
    schema.operationId ??= operationId(route.method, route.url.slice(route.prefix.length));
    schema.response = { 401: ErrorResponse, ...schema.response };
  });
  const ctx =
    opts.context ?? new ApiContext(opts.store, new ReadModel(opts.store), opts.nowMs ?? Date.now, opts.rateLimit);
  const apiTokens = opts.auth.token ? [opts.auth.token] : [];
  const webhookTokens = [...apiTokens, ...(opts.alertmanagerToken ? [opts.alertmanagerToken] : [])];

  app.addHook('onRequest', async (req, reply) => {
    const isWebhook = req.routeOptions.url?.endsWith(WEBHOOK) ?? false;
    const tokens = isWebhook ? webhookTokens : apiTokens;
    const required = opts.auth.mode === 'on' || (isWebhook && tokens.length > 0);
    if (required) await refuseUnlessBearer(req, reply, tokens);
  });
  // AJV's coercion turns '1e309' into Infinity and lets it through integer and maximum checks.
  app.addHook('preHandler', async (req) => {
    for (const [where, values] of [
      ['querystring', req.query],
      ['body', req.body],
      ['params', req.params],
    ] as const) {
      if (values === null || typeof values !== 'object') continue;
      for (const [k, v] of Object.entries(values)) {
        if (typeof v === 'number' && !Number.isFinite(v))
          throw new BadInput(`${where}.${k}`, 'must be a finite number');
      }
    }
  });
  // A change through the API shows in the next answer, whatever the read cache's lag (QueryCache):
  // before the reply is sent, so the client cannot ask again first.
  app.addHook('onSend', async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') ctx.read.cache.recheck();
  });
  // The request log (the app logs no requests itself: /metrics is scraped every few seconds). The
  // path only: query strings are not logged, headers never.
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url,
        path: pathOf(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        ip: req.ip,
      },
      'api request',
    );
  });
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const { field, reason } = describeValidation(errors as never, dataVar);
    return Object.assign(new Error(`${field} ${reason}`), { validation: errors, validationContext: dataVar });
  });
  app.setErrorHandler(errorHandler);
  // Routes opt in with config.rateLimit (mutations only): reads are cached and cheap.
  await app.register(rateLimit, { global: false });

  const routeOpts = { ctx };
  await app.register(healthRoutes, { ctx, authMode: opts.auth.mode, maxAgeMs: opts.maxDataAgeMs });
  await app.register(seriesRoutes, routeOpts);
  await app.register(tableRoutes, routeOpts);
  await app.register(userRoutes, routeOpts);
  await app.register(analyticsRoutes, routeOpts);
  await app.register(variableRoutes, routeOpts);
  await app.register(incidentRoutes, routeOpts);
  await app.register(settingsRoutes, routeOpts);
  await app.register(groupRoutes, routeOpts);
  await app.register(alertmanagerRoutes, routeOpts);
};
