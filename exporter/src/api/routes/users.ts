import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userSummary } from '../../queries/user';
import { EpochMs, ErrorResponse, Frame, Limit } from '../../schemas/common';
import { UserParams } from '../../schemas/tables';
import type { ApiContext } from '../context';

const Range = Type.Object({ from: EpochMs, to: EpochMs });
const errors = { 400: ErrorResponse, 404: ErrorResponse };

/** Per-user drilldown: summary, token timeline, model breakdown, feature usage, anomaly history. */
export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const opts = (summary: string) => ({
    schema: { tags: ['users'], summary, params: UserParams, querystring: Range, response: { 200: Frame, ...errors } },
  });

  app.get('/users/:email', opts('Member summary: spend, ranks, plan, badges'), async (req) => {
    const email = ctx.read.knownEmail(req.params.email);
    const w = ctx.window(req.query.from, req.query.to);
    return ctx.cached(['user', email, w], () => userSummary(ctx.teamStats(w), email));
  });
  app.get('/users/:email/timeline', opts('Daily spend, requests, tokens and activity'), async (req) =>
    ctx.read.userTimeline(ctx.read.knownEmail(req.params.email), ctx.window(req.query.from, req.query.to)),
  );
  app.get(
    '/users/:email/models',
    opts('Spend and requests per model (included / usage-based / errored)'),
    async (req) => ctx.read.userModels(ctx.read.knownEmail(req.params.email), ctx.window(req.query.from, req.query.to)),
  );
  app.get('/users/:email/features', opts('Feature usage totals (agent, chat, tab, cmd-K, bugbot…)'), async (req) =>
    ctx.read.userFeatures(ctx.read.knownEmail(req.params.email), ctx.window(req.query.from, req.query.to)),
  );
  app.get(
    '/users/:email/anomalies',
    {
      schema: {
        tags: ['users'],
        summary: "The member's incidents, newest first",
        params: UserParams,
        querystring: Type.Object({ limit: Type.Optional(Limit) }),
        response: { 200: Frame, ...errors },
      },
    },
    async (req) => ctx.read.userAnomalies(ctx.read.knownEmail(req.params.email), req.query.limit ?? 20),
  );
};
