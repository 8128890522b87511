/**
 * Building blocks shared by the raw-response schemas. Cursor's API shapes have drifted several
 * times (see shared/reference/cursor-api.md), so every schema is tolerant by construction: extra
 * fields are allowed (TypeBox objects are open by default), most fields are optional, and the
 * types that have been seen in two forms accept both.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/** Ids are `user_…` strings in the newest docs but numbers in older pages and in daily usage. */
export const Id = Type.Union([Type.String(), Type.Number()]);

/** Epoch ms: usage events send it as a string of digits; accept a plain number too. */
export const EpochMs = Type.Union([Type.String({ pattern: '^[0-9]{1,16}$' }), Type.Number()]);

/** A calendar day; analytics may send an ISO timestamp whose time part is ignored. */
export const DayString = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}' });

/** Optional field that may also be sent as explicit null. */
export function Opt<T extends TSchema>(schema: T) {
  return Type.Optional(Type.Union([schema, Type.Null()]));
}

/** Optional numeric field (counts, fractional cents, dollars); null is treated as absent. */
export const OptNum = Opt(Type.Number());
export const OptStr = Opt(Type.String());
export const OptBool = Opt(Type.Boolean());
