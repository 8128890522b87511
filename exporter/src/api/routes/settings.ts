import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DetectionSettings, type SettingsError } from '../../detect/settings';
import { BadInput } from '../../queries/errors';
import { readSettings, replaceSettings, updateSettings, type UpdateResult } from '../../settings/store';
import { ErrorResponse } from '../schemas/common';
import type { ApiContext } from '../context';

const SettingsResponse = Type.Object({
  settings: DetectionSettings,
  source: Type.Union([Type.Literal('stored'), Type.Literal('defaults')]),
  updated_ms: Type.Union([Type.Integer(), Type.Null()]),
  errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
});

function settingsError(errors: SettingsError[]): BadInput {
  const first = errors[0];
  return new BadInput(`body.${first.field}`.replace(/\.$/, ''), `${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more: ${errors.slice(1).map((e) => e.field).join(', ')})` : ''}`);
}

/**
 * Detection settings. The body is validated by the settings module (it knows cross-field rules and
 * merges partial documents), so the route takes any object and reports the first bad field.
 */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const view = () => {
    const s = readSettings(ctx.db);
    return { settings: s.settings, source: s.source, updated_ms: s.updatedMs, errors: s.errors };
  };
  const saved = (r: UpdateResult) => {
    if (!r.ok) throw settingsError(r.errors);
    return view();
  };
  app.get('/settings', { schema: { tags: ['settings'], summary: 'Detection settings (stored, merged over defaults)', response: { 200: SettingsResponse } } }, async () => view());
  app.patch(
    '/settings',
    { config: ctx.mutation, schema: { tags: ['settings'], summary: 'Change some settings (partial document)', body: Type.Object({}, { additionalProperties: true }), response: { 200: SettingsResponse, 400: ErrorResponse } } },
    async (req) => saved(updateSettings(ctx.db, req.body, ctx.now())),
  );
  app.put(
    '/settings',
    { config: ctx.mutation, schema: { tags: ['settings'], summary: 'Replace the settings (omitted fields get defaults)', body: Type.Object({}, { additionalProperties: true }), response: { 200: SettingsResponse, 400: ErrorResponse } } },
    async (req) => saved(replaceSettings(ctx.db, req.body, ctx.now())),
  );
};
