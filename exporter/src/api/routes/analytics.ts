import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, Frame } from '../../schemas/common';
import { AnalyticsParams, AnalyticsQuery, VariableParams, VariableQuery } from '../../schemas/tables';
import type { ApiContext } from '../context';

export const analyticsRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get(
    '/analytics/:view',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Team analytics: DAU, model usage and adoption, MCP tools, commands, file extensions, client versions',
        params: AnalyticsParams,
        querystring: AnalyticsQuery,
        response: { 200: Frame, 400: ErrorResponse },
      },
    },
    async (req) => {
      const w = ctx.window(req.query.from, req.query.to);
      return ctx.cached(['analytics', req.params.view, w, req.query.limit], () =>
        ctx.read.analytics(req.params.view, w, req.query.limit ?? 20),
      );
    },
  );
};

export const variableRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get(
    '/variables/:kind',
    {
      schema: {
        tags: ['variables'],
        summary: 'Grafana template variables (text/value), search-as-you-type with q',
        params: VariableParams,
        querystring: VariableQuery,
        response: { 200: Frame, 400: ErrorResponse },
      },
    },
    async (req) =>
      ctx.cached(['variables', req.params.kind, req.query.q, req.query.limit], () =>
        ctx.read.variables(req.params.kind, req.query.q, req.query.limit ?? 100),
      ),
  );
};
