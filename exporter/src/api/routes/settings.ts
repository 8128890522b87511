import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { backtestFrom } from '../../detect/run';
import { DetectionSettings, validateSettings, type SettingsError } from '../../detect/settings';
import { col } from '../../queries/frame';
import { dayWindow } from '../../queries/window';
import { BadInput } from '../../domain/errors';
import {
  loadSettings,
  readSettings,
  replaceSettings,
  updateSettings,
  type UpdateResult,
} from '../../settings/detection-settings';
import { EpochMs, ErrorResponse, FrameWithMeta } from '../../schemas/common';
import type { ApiContext } from '../context';

const SettingsResponse = Type.Object({
  settings: DetectionSettings,
  source: Type.Union([Type.Literal('stored'), Type.Literal('defaults')]),
  updated_ms: Type.Union([Type.Integer(), Type.Null()]),
  errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
});

/** Backtests replay detection once per day; a quarter is plenty to judge a threshold and bounds the work. */
const MAX_BACKTEST_DAYS = 92;

const BacktestBody = Type.Object(
  {
    from: EpochMs,
    to: EpochMs,
    settings: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: 'proposed changes, merged over the current settings' },
      ),
    ),
  },
  { additionalProperties: false },
);

function settingsError(errors: SettingsError[]): BadInput {
  const first = errors[0];
  return new BadInput(
    `body.${first.field}`.replace(/\.$/, ''),
    `${first.message}${
      errors.length > 1
        ? ` (and ${errors.length - 1} more: ${errors
            .slice(1)
            .map((e) => e.field)
            .join(', ')})`
        : ''
    }`,
  );
}

/**
 * Detection settings. The body is validated by the settings module (it knows cross-field rules and
 * merges partial documents), so the route takes any object and reports the first bad field.
 */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const view = () => {
    const s = readSettings(ctx.store);
    return { settings: s.settings, source: s.source, updated_ms: s.updatedMs, errors: s.errors };
  };
  const saved = (r: UpdateResult) => {
    if (!r.ok) throw settingsError(r.errors);
    return view();
  };
  app.get(
    '/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'Detection settings (stored, merged over defaults)',
        response: { 200: SettingsResponse },
      },
    },
    async () => view(),
  );
  app.patch(
    '/settings',
    {
      config: ctx.mutation,
      schema: {
        tags: ['settings'],
        summary: 'Change some settings (partial document)',
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: SettingsResponse, 400: ErrorResponse },
      },
    },
    async (req) => saved(updateSettings(ctx.store, req.body, ctx.now())),
  );
  app.put(
    '/settings',
    {
      config: ctx.mutation,
      schema: {
        tags: ['settings'],
        summary: 'Replace the settings (omitted fields get defaults)',
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: SettingsResponse, 400: ErrorResponse },
      },
    },
    async (req) => saved(replaceSettings(ctx.store, req.body, ctx.now())),
  );
  app.post(
    '/settings/backtest',
    {
      config: ctx.mutation, // not a write, but each call replays detection over weeks of data
      schema: {
        tags: ['settings'],
        summary:
          'Alerts the proposed settings would have raised over [from, to], next to what the current settings raise',
        body: BacktestBody,
        response: { 200: FrameWithMeta, 400: ErrorResponse },
      },
    },
    async (req) => {
      if (req.body.to < req.body.from) throw new BadInput('body.to', 'must not be before from');
      const w = dayWindow(req.body.from, Math.min(req.body.to, ctx.now()), 'body');
      if (w.days > MAX_BACKTEST_DAYS)
        throw new BadInput('body.from', `backtest covers ${w.days} days, at most ${MAX_BACKTEST_DAYS} allowed`);
      const current = loadSettings(ctx.store);
      const proposed = validateSettings(req.body.settings ?? {}, current);
      if (!proposed.ok) throw settingsError(proposed.errors.map((e) => ({ ...e, field: `settings.${e.field}` })));
      const now = backtestFrom(ctx.store.detectionFacts, current, w.fromDay, w.toDay);
      const next = backtestFrom(ctx.store.detectionFacts, proposed.value, w.fromDay, w.toDay);
      const findings = (r: typeof next) => r.days.reduce((n, d) => n + d.findings.length, 0);
      return {
        columns: [
          col.time('day'),
          col.str('detector'),
          col.str('severity'),
          col.str('subject'),
          col.str('email'),
          col.str('group'),
          col.str('message'),
          col.num('value'),
          col.num('threshold'),
          col.str('unit'),
        ],
        rows: next.alerts.map((f) => ({
          day: Date.parse(`${f.day}T00:00:00Z`),
          detector: f.detector,
          severity: f.severity,
          subject: f.subject,
          email: f.email,
          group: f.groupName,
          message: f.message,
          value: f.value,
          threshold: f.threshold,
          unit: f.unit,
        })),
        meta: {
          from_day: w.fromDay,
          to_day: w.toDay,
          days: w.days,
          alerts: next.alerts.length,
          findings: findings(next),
          current_alerts: now.alerts.length,
          current_findings: findings(now),
        },
      };
    },
  );
};
