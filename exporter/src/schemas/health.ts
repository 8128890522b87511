import { Type, type Static } from '@sinclair/typebox';

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('stale'), Type.Literal('empty')], {
    description: 'ok: data fresher than max_age; stale: older; empty: nothing collected yet',
  }),
  auth: Type.Union([Type.Literal('on'), Type.Literal('off')]),
  store: Type.Object({ ok: Type.Boolean(), schema_version: Type.Integer() }),
  data: Type.Object({
    last_collection_ms: Type.Union([Type.Integer(), Type.Null()]),
    last_collection_status: Type.Union([Type.String(), Type.Null()]),
    latest_usage_day: Type.Union([Type.String(), Type.Null()]),
    age_ms: Type.Union([Type.Integer(), Type.Null()]),
    max_age_ms: Type.Integer(),
  }),
  message: Type.String(),
});
export type Health = Static<typeof Health>;
