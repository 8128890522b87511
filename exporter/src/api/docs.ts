import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';

/**
 * OpenAPI generated from the route schemas, browsable at /docs (JSON at /docs/json). Register it on
 * the ROOT instance BEFORE apiPlugin: @fastify/swagger collects routes with an onRoute hook, which
 * only sees routes registered after it. It is marked skip-override (what fastify-plugin does) so the
 * hook is not encapsulated inside this plugin. /docs itself is public: it holds no data or secrets.
 */
export const docsPlugin: FastifyPluginAsync<{ version?: string }> = async (app, opts) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Cursor usage exporter API',
        version: opts.version ?? '1',
        description:
          'Tables and series are Grafana data frames: `{columns:[{name,type,unit?}], rows:[{…}]}` with time in epoch ms. ' +
          'Every /api/v1 route needs `Authorization: Bearer <API_TOKEN>`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
};
(docsPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
