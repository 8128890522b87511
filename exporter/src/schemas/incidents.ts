import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Limit, StringEnum } from './common';

export const IncidentStatusFilter = StringEnum(['open', 'detected', 'alerted', 'acknowledged', 'resolved'], {
  description: "'open' = every status but resolved",
});
export const IncidentsQuery = Type.Object({
  from: Type.Optional(EpochMs),
  to: Type.Optional(EpochMs),
  status: Type.Optional(IncidentStatusFilter),
  detector: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  user: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  severity: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')])),
  limit: Type.Optional(Limit),
});
export type IncidentsQuery = Static<typeof IncidentsQuery>;
export const IncidentParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const MttxQuery = Type.Object({ from: EpochMs, to: EpochMs });
export const TransitionResult = Type.Object({ ok: Type.Literal(true), id: Type.Integer(), status: Type.String() });
