import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mttxReport } from '../../incidents/mttx';
import { acknowledgeIncident, resolveIncident, type TransitionResult as Transition } from '../../incidents/lifecycle';
import type { IncidentStatus } from '../../store/incidents';
import { NotFound, BadInput } from '../../domain/errors';
import { col, frame } from '../../queries/frame';
import { ErrorResponse, Frame } from '../../schemas/common';
import { IncidentParams, IncidentsQuery, MttxQuery, TransitionResult } from '../../schemas/incidents';
import type { ApiContext } from '../context';

const COLUMNS = [
  col.num('id'),
  col.time('detected'),
  col.time('onset'),
  col.str('detector'),
  col.str('severity'),
  col.str('status'),
  col.str('subject'),
  col.str('email'),
  col.str('group'),
  col.str('models'),
  col.str('message'),
  col.num('value'),
  col.num('threshold'),
  col.str('unit'),
  col.time('alerted'),
  col.time('acknowledged'),
  col.time('resolved'),
  col.str('resolved_by'),
];

function outcome(r: Transition, id: number) {
  if (r.ok) return { ok: true as const, id, status: r.incident.status };
  if (r.reason === 'not_found') throw new NotFound('incident', String(id));
  throw new BadInput('params.id', 'incident is already resolved');
}

export const incidentRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  app.get(
    '/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Anomalies/incidents, newest first, filtered by time, status, detector, user, severity',
        querystring: IncidentsQuery,
        response: { 200: Frame, 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query;
      if (q.from !== undefined && q.to !== undefined && q.to < q.from)
        throw new BadInput('querystring.to', 'must not be before from');
      const list = ctx.store.incidents
        .list({
          status: q.status as IncidentStatus | 'open' | undefined,
          detector: q.detector,
          email: q.user,
          fromMs: q.from,
          toMs: q.to,
          limit: q.severity ? 5000 : (q.limit ?? 500),
        })
        .filter((i) => q.severity === undefined || i.severity === q.severity)
        .slice(0, q.limit ?? 500);
      return frame(
        COLUMNS,
        list.map((i) => ({
          id: i.id,
          detected: i.detectedMs,
          onset: i.onsetMs,
          detector: i.detector,
          severity: i.severity,
          status: i.status,
          subject: i.subject,
          email: i.email,
          group: i.groupName,
          models: i.models.join(', '),
          message: i.message,
          value: i.value,
          threshold: i.threshold,
          unit: i.unit,
          alerted: i.alertedMs,
          acknowledged: i.acknowledgedMs,
          resolved: i.resolvedMs,
          resolved_by: i.resolvedBy,
        })),
      );
    },
  );
  app.get(
    '/incidents/mttx',
    {
      schema: {
        tags: ['incidents'],
        summary: 'MTTD / MTTI / MTTR (minutes) over incidents detected in the window, overall and per detector',
        querystring: MttxQuery,
        response: { 200: Frame, 400: ErrorResponse },
      },
    },
    async (req) => {
      if (req.query.to < req.query.from) throw new BadInput('querystring.to', 'must not be before from');
      const r = mttxReport(ctx.store.incidents, req.query.from, req.query.to);
      const row = (detector: string, s: typeof r) => ({
        detector,
        incidents: s.incidents,
        mttd_minutes: s.mttd.meanMinutes,
        mtti_minutes: s.mtti.meanMinutes,
        mttr_minutes: s.mttr.meanMinutes,
      });
      return frame(
        [
          col.str('detector'),
          col.num('incidents'),
          col.num('mttd_minutes', 'm'),
          col.num('mtti_minutes', 'm'),
          col.num('mttr_minutes', 'm'),
        ],
        [
          row('all', r),
          ...Object.entries(r.byDetector)
            .sort((a, b) => a[0].localeCompare(b[0]))
            .map(([d, s]) => row(d, { ...r, ...s })),
        ],
      );
    },
  );
  app.post(
    '/incidents/:id/acknowledge',
    {
      config: ctx.mutation,
      schema: {
        tags: ['incidents'],
        summary: 'Acknowledge an incident',
        params: IncidentParams,
        response: { 200: TransitionResult, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => outcome(acknowledgeIncident(ctx.store, req.params.id, ctx.now(), 'api'), req.params.id),
  );
  app.post(
    '/incidents/:id/resolve',
    {
      config: ctx.mutation,
      schema: {
        tags: ['incidents'],
        summary: 'Resolve an incident',
        params: IncidentParams,
        response: { 200: TransitionResult, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => outcome(resolveIncident(ctx.store, req.params.id, ctx.now(), 'api'), req.params.id),
  );
};
