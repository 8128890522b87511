import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { refuseUnlessBearer } from './auth';

/**
 * OpenAPI generated from the route schemas, browsable at /docs (JSON at /docs/json). Register it on
 * the ROOT instance BEFORE apiPlugin: @fastify/swagger collects routes with an onRoute hook, which
 * only sees routes registered after it. It is marked skip-override (what fastify-plugin does) so the
 * hook is not encapsulated inside this plugin. With API auth on, /docs needs the API token like
 * every route but /metrics, /healthz and /readyz (e.g. `curl -H 'Authorization: Bearer …' …/docs/json`).
 */
export const docsPlugin: FastifyPluginAsync<{ version?: string; token?: string }> = async (app, opts) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Cursor usage exporter API',
        version: opts.version ?? '1',
        license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
        description:
          'Tables and series are Grafana data frames: `{columns:[{name,type,unit?}], rows:[{…}]}` with time in epoch ms. ' +
          'Every /api/v1 route needs `Authorization: Bearer <API_TOKEN>`.',
      },
      // Relative: the document is served by the exporter it describes, wherever that listens.
      servers: [{ url: '/', description: 'this exporter' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  const token = opts.token;
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // helmet's policy (script-src 'self', inline styles allowed) fits the page as served: its own
    // staticCSP would replace it with one that blocks an inline style (checked in Chromium).
    uiHooks: token === undefined ? {} : { onRequest: async (req, reply) => refuseUnlessBearer(req, reply, [token]) },
  });
};
(docsPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
