import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { membersTable } from '../../queries/members';
import { ErrorResponse, Frame, FrameWithMeta, Limit } from '../../schemas/common';
import { CycleQuery, MembersQuery, PlanExhaustionQuery, TopQuery, WindowQuery } from '../../schemas/tables';
import type { ApiContext } from '../context';

const errors = { 400: ErrorResponse, 404: ErrorResponse };

/** Dashboard tables. Every table is one Grafana frame; `meta` carries scalar context where useful. */
export const tableRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get(
    '/tables/members',
    {
      schema: {
        tags: ['tables'],
        summary: 'Members with activity, spend, cycle spend, plan usage, ranks and badges',
        querystring: MembersQuery,
        response: { 200: FrameWithMeta, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const w = ctx.window(q.from, q.to);
      const stats = ctx.teamStats(w, q.model);
      return ctx.cached(['members', w, { ...q, from: 0, to: 0 }], () =>
        membersTable(stats, {
          q: q.q,
          sort: q.sort,
          order: q.order,
          badge: q.badge,
          limit: q.limit ?? 100,
          offset: q.offset ?? 0,
          emails: ctx.read.selectedEmails(q),
        }),
      );
    },
  );

  app.get(
    '/tables/top-spenders',
    {
      schema: {
        tags: ['tables'],
        summary: 'Top spenders in the window',
        querystring: TopQuery,
        response: { 200: Frame, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const w = ctx.window(q.from, q.to);
      return ctx.cached(['top', w, q.user, q.group, q.model, q.limit], () =>
        ctx.read.topSpenders(w, ctx.read.selectedEmails(q), q.limit ?? 10, q.model),
      );
    },
  );

  app.get(
    '/tables/model-costs',
    {
      schema: {
        tags: ['tables'],
        summary: 'Model cost comparison: $/request per model vs the cheapest model and the team median',
        querystring: WindowQuery,
        response: { 200: FrameWithMeta, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const w = ctx.window(q.from, q.to);
      return ctx.modelCosts(w, q);
    },
  );

  app.get(
    '/tables/user-model-costs',
    {
      schema: {
        tags: ['tables'],
        summary: 'Users × models: $/request vs the team median and the savings estimate',
        querystring: TopQuery,
        response: { 200: FrameWithMeta, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const w = ctx.window(q.from, q.to);
      return ctx.cached(['user-model-costs', w, q.user, q.group, q.limit], () =>
        ctx.read.userModelCosts(w, q, q.limit ?? 100),
      );
    },
  );

  app.get(
    '/tables/cycle-summary',
    {
      schema: {
        tags: ['tables'],
        summary: 'Current billing cycle: spend vs last cycle, seats, plan exhaustion, top spenders',
        querystring: CycleQuery,
        response: { 200: Frame, ...errors },
      },
    },
    async (req) => ctx.cycleSummary(req.query),
  );

  app.get(
    '/tables/plan-exhaustion',
    {
      schema: {
        tags: ['tables'],
        summary: 'Who ran out of the included plan this cycle and when (earliest first; meta summarises everyone)',
        querystring: PlanExhaustionQuery,
        response: { 200: FrameWithMeta, ...errors },
      },
    },
    async (req) =>
      ctx.cached(['plan-exhaustion', ctx.today(), req.query.group, req.query.limit], () =>
        ctx.read.planExhaustionTable(ctx.now(), ctx.read.selectedEmails(req.query), req.query.limit ?? 100),
      ),
  );

  app.get(
    '/tables/forecasts',
    {
      schema: {
        tags: ['tables'],
        summary: 'Cycle-end spend forecasts from the last detection run',
        querystring: Type.Object({
          subject: Type.Optional(Type.Union([Type.Literal('team'), Type.Literal('group'), Type.Literal('user')])),
          group: CycleQuery.properties.group,
          limit: Type.Optional(Limit),
        }),
        response: { 200: FrameWithMeta, ...errors },
      },
    },
    // Cached like every table: a 10,000-person team's forecasts are ~3 MB of JSON to parse and sort.
    async (req) =>
      ctx.cached(['forecasts', req.query.subject, req.query.group, req.query.limit], () =>
        ctx.read.forecasts(req.query.subject, ctx.read.selectedEmails(req.query), req.query.limit ?? 100),
      ),
  );

  app.get(
    '/tables/budgets',
    {
      schema: {
        tags: ['tables'],
        summary: 'Budgets, their use and burn rates (team and groups)',
        response: { 200: FrameWithMeta },
      },
    },
    async () => ctx.cached(['budgets'], () => ctx.read.budgets()),
  );

  app.get(
    '/tables/savings',
    {
      schema: {
        tags: ['tables'],
        summary: 'Model-switch savings this cycle, from the last detection run',
        querystring: Type.Object({ limit: Type.Optional(Limit) }),
        response: { 200: FrameWithMeta },
      },
    },
    async (req) => ctx.cached(['savings', req.query.limit], () => ctx.read.savings(req.query.limit ?? 100)),
  );
};
