import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { parseDuration } from '../../domain/time';
import { intervalDays } from '../../queries/window';
import { ErrorResponse, Frame } from '../../schemas/common';
import { SeriesQuery } from '../../schemas/series';
import type { ApiContext } from '../context';

export const seriesRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get(
    '/series',
    {
      schema: {
        tags: ['series'],
        summary: 'Spend, requests, tokens or $/request over time, by team, user, group or model',
        querystring: SeriesQuery,
        response: { 200: Frame, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const w = ctx.window(q.from, q.to);
      const days = intervalDays(parseDuration(q.interval ?? '1d'));
      const req2 = {
        metric: q.metric,
        by: q.by ?? 'team',
        window: w,
        intervalDays: days,
        limit: q.limit ?? 10,
        user: q.user,
        group: q.group,
        model: q.model,
      };
      return ctx.cached(['series', req2], () => ctx.read.series(req2));
    },
  );
};
