import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Filters, Limit, StringEnum } from './common';

export const BadgeId = StringEnum([
  'light-user',
  'deep-thinker',
  'power-user',
  'balanced',
  'over-budget',
  'premium-model',
  'cost-efficient',
  'long-sessions',
  'short-sessions',
  'ai-native',
  'high-adoption',
  'moderate-adoption',
  'low-adoption',
  'manual-coder',
]);
export type BadgeId = Static<typeof BadgeId>;

export const MembersSort = StringEnum([
  'spend',
  'activity',
  'requests',
  'lines',
  'cost_per_request',
  'context',
  'name',
  'cycle_spend',
  'plan_usage',
]);
export type MembersSort = Static<typeof MembersSort>;

export const Order = Type.Union([Type.Literal('asc'), Type.Literal('desc')]);

export const MembersQuery = Type.Object({
  from: EpochMs,
  to: EpochMs,
  ...Filters,
  q: Type.Optional(Type.String({ maxLength: 200, description: 'case-insensitive substring of name or email' })),
  sort: Type.Optional(MembersSort),
  order: Type.Optional(Order),
  badge: Type.Optional(BadgeId),
  limit: Type.Optional(Limit),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type MembersQuery = Static<typeof MembersQuery>;

export const TopQuery = Type.Object({ from: EpochMs, to: EpochMs, ...Filters, limit: Type.Optional(Limit) });
export type TopQuery = Static<typeof TopQuery>;

export const WindowQuery = Type.Object({ from: EpochMs, to: EpochMs, ...Filters });
export type WindowQuery = Static<typeof WindowQuery>;

/** Queries that are about "now" (the billing cycle), optionally narrowed to a group. */
export const CycleQuery = Type.Object({ group: Filters.group });
export type CycleQuery = Static<typeof CycleQuery>;
export const PlanExhaustionQuery = Type.Object({ group: Filters.group, limit: Type.Optional(Limit) });
export const ForecastSubject = Type.Union([Type.Literal('team'), Type.Literal('group'), Type.Literal('user')]);
export const ForecastsQuery = Type.Object({
  subject: Type.Optional(ForecastSubject),
  group: Filters.group,
  limit: Type.Optional(Limit),
});
export const SavingsQuery = Type.Object({ limit: Type.Optional(Limit) });

export const UserParams = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) });
export type UserParams = Static<typeof UserParams>;

export const AnalyticsView = StringEnum([
  'dau',
  'models',
  'model-adoption',
  'mcp',
  'file-extensions',
  'client-versions',
  'commands',
  'agent-edits',
  'tabs',
]);
export type AnalyticsView = Static<typeof AnalyticsView>;
export const AnalyticsParams = Type.Object({ view: AnalyticsView });
export const AnalyticsQuery = Type.Object({ from: EpochMs, to: EpochMs, limit: Type.Optional(Limit) });
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

export const VariableKind = Type.Union([
  Type.Literal('users'),
  Type.Literal('groups'),
  Type.Literal('models'),
  Type.Literal('detectors'),
]);
export type VariableKind = Static<typeof VariableKind>;
export const VariableParams = Type.Object({ kind: VariableKind });
export const VariableQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'search-as-you-type substring' })),
  limit: Type.Optional(Limit),
});
export type VariableQuery = Static<typeof VariableQuery>;
