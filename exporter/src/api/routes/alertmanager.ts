import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { applyAlertmanagerWebhook } from '../../incidents/alertmanager';
import { BadInput } from '../../domain/errors';
import { ErrorResponse } from '../../schemas/common';
import type { ApiContext } from '../context';

const Result = Type.Object({
  ok: Type.Literal(true),
  alerted: Type.Array(Type.Integer()),
  matched: Type.Integer(),
  ignored: Type.Integer(),
  resolved_alerts: Type.Integer(),
});

/** Alertmanager webhook receiver: stamps "alerted" on the incidents a notification is about (MTTD/MTTI). */
export const alertmanagerRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.post(
    '/alertmanager',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Alertmanager webhook_config target (bearer token in http_config.authorization)',
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: Result, 400: ErrorResponse },
      },
    },
    async (req) => {
      const r = applyAlertmanagerWebhook(ctx.store, req.body, ctx.now());
      if (!r.ok) throw new BadInput(`body.${r.errors[0].field}`, r.errors[0].message);
      return {
        ok: true as const,
        alerted: r.alerted,
        matched: r.matched,
        ignored: r.ignored,
        resolved_alerts: r.resolvedAlerts,
      };
    },
  );
};
