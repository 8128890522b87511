/**
 * One entry per dashboard-facing JSON API route: the route it calls, the querystring schema it is
 * checked against (the exporter's own TypeBox schema), its fields and their defaults. The editor, the
 * request builder and the drift test all read this table; select options come from the schemas.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import {
  AnalyticsQuery,
  AnalyticsView,
  CycleQuery,
  ForecastsQuery,
  IncidentsQuery,
  MembersQuery,
  MttxQuery,
  PlanExhaustionQuery,
  SavingsQuery,
  SeriesQuery,
  StringEnum,
  TopQuery,
  UserParams,
  WindowQuery,
} from '../../exporter/src/schemas';
import { USER_VIEWS, type CursorQuery, type FieldName, type QueryFields, type QueryType } from './types';

export interface QueryTypeSpec<T extends QueryType = QueryType> {
  label: string;
  description: string;
  /** Path under /api/v1 for a query's (interpolated) path fields. */
  path: (q: Record<string, string | number>) => string;
  /** Fields that go into the path rather than the querystring (user e-mail, view). */
  pathFields: FieldName[];
  /** The route's querystring schema; every querystring field of this type is one of its properties. */
  querystring?: TObject;
  /** Whether the panel's time range is sent as from/to. */
  timeRange: boolean;
  /** This type's fields in editor order, each with its default (undefined = no filter). */
  defaults: { [K in keyof Required<QueryFields[T]>]: QueryFields[T][K] | undefined };
}

const views = (view: unknown) => (view === 'summary' || view === undefined || view === '' ? '' : `/${view}`);

export const QUERY_TYPES: { [T in QueryType]: QueryTypeSpec<T> } = {
  series: {
    label: 'Series',
    description: 'Spend, requests, tokens or $/request over time, by team, user, group or model',
    path: () => '/series',
    pathFields: [],
    querystring: SeriesQuery,
    timeRange: true,
    defaults: {
      metric: 'spend',
      by: 'team',
      interval: '1d',
      limit: 10,
      user: undefined,
      group: undefined,
      model: undefined,
    },
  },
  topSpenders: {
    label: 'Top spenders',
    description: 'Top spenders in the time range',
    path: () => '/tables/top-spenders',
    pathFields: [],
    querystring: TopQuery,
    timeRange: true,
    defaults: { limit: 10, user: undefined, group: undefined, model: undefined },
  },
  members: {
    label: 'Members',
    description: 'Members with activity, spend, cycle spend, plan usage, ranks and badges',
    path: () => '/tables/members',
    pathFields: [],
    querystring: MembersQuery,
    timeRange: true,
    defaults: {
      q: undefined,
      sort: 'spend',
      order: 'desc',
      badge: undefined,
      limit: 100,
      user: undefined,
      group: undefined,
      model: undefined,
    },
  },
  modelCosts: {
    label: 'Model costs',
    description: '$/request per model vs the cheapest model and the team median',
    path: () => '/tables/model-costs',
    pathFields: [],
    querystring: WindowQuery,
    timeRange: true,
    defaults: { user: undefined, group: undefined, model: undefined },
  },
  userModelCosts: {
    label: 'User × model costs',
    description: 'Users × models: $/request vs the team median and the savings estimate',
    path: () => '/tables/user-model-costs',
    pathFields: [],
    querystring: TopQuery,
    timeRange: true,
    defaults: { limit: 100, user: undefined, group: undefined },
  },
  user: {
    label: 'User',
    description: "One member's summary, daily timeline, models, features or anomalies",
    path: (q) => `/users/${encodeURIComponent(String(q.email))}${views(q.view)}`,
    pathFields: ['email', 'view'],
    timeRange: true,
    defaults: { email: '$user', view: 'summary' },
  },
  incidents: {
    label: 'Incidents',
    description: 'Anomalies and incidents in the time range, newest first',
    path: () => '/incidents',
    pathFields: [],
    querystring: IncidentsQuery,
    timeRange: true,
    defaults: { status: undefined, detector: undefined, user: undefined, severity: undefined, limit: 100 },
  },
  mttx: {
    label: 'MTTD / MTTI / MTTR',
    description: 'Mean times to detect, alert and resolve, overall and per detector',
    path: () => '/incidents/mttx',
    pathFields: [],
    querystring: MttxQuery,
    timeRange: true,
    defaults: {},
  },
  forecasts: {
    label: 'Forecasts',
    description: 'Cycle-end spend forecasts from the last detection run',
    path: () => '/tables/forecasts',
    pathFields: [],
    querystring: ForecastsQuery,
    timeRange: false,
    defaults: { subject: undefined, group: undefined, limit: 100 },
  },
  budgets: {
    label: 'Budgets',
    description: 'Budgets, their use and burn rates (team and groups)',
    path: () => '/tables/budgets',
    pathFields: [],
    timeRange: false,
    defaults: {},
  },
  savings: {
    label: 'Savings',
    description: 'Model-switch savings this cycle',
    path: () => '/tables/savings',
    pathFields: [],
    querystring: SavingsQuery,
    timeRange: false,
    defaults: { limit: 100 },
  },
  analytics: {
    label: 'Analytics',
    description: 'Team analytics: DAU, models, MCP tools, commands, file extensions, client versions',
    path: (q) => `/analytics/${encodeURIComponent(String(q.view))}`,
    pathFields: ['view'],
    querystring: AnalyticsQuery,
    timeRange: true,
    defaults: { view: 'dau', limit: 20 },
  },
  cycleSummary: {
    label: 'Cycle summary',
    description: 'Current billing cycle: spend vs last cycle, seats, plan exhaustion, top spenders',
    path: () => '/tables/cycle-summary',
    pathFields: [],
    querystring: CycleQuery,
    timeRange: false,
    defaults: { group: undefined },
  },
  planExhaustion: {
    label: 'Plan exhaustion',
    description: 'Who ran out of the included plan this cycle and when',
    path: () => '/tables/plan-exhaustion',
    pathFields: [],
    querystring: PlanExhaustionQuery,
    timeRange: false,
    defaults: { group: undefined, limit: 100 },
  },
  health: {
    label: 'Exporter health',
    description: 'Auth, store and data freshness',
    path: () => '/health',
    pathFields: [],
    timeRange: false,
    defaults: {},
  },
};

const UserView = StringEnum(USER_VIEWS);

export const QUERY_TYPE_NAMES = Object.keys(QUERY_TYPES) as QueryType[];

/** The fields of a query type, in editor order. */
export function fieldsOf(type: QueryType): FieldName[] {
  return Object.keys(QUERY_TYPES[type].defaults) as FieldName[];
}

/** The allowed values of a string-enum or literal-union schema, or undefined for a free field. */
export function enumValues(schema: TSchema | undefined): string[] | undefined {
  if (!schema) {
    return undefined;
  }
  if (Array.isArray(schema.enum)) {
    return schema.enum.map(String);
  }
  if (typeof schema.const === 'string') {
    return [schema.const];
  }
  if (Array.isArray(schema.anyOf)) {
    const values = (schema.anyOf as TSchema[]).map(enumValues);
    return values.every((v) => v?.length === 1) ? values.map((v) => v![0]) : undefined;
  }
  return undefined;
}

/** The schema of one field of a query type (a querystring property, or a path parameter). */
export function fieldSchema(type: QueryType, field: FieldName): TSchema | undefined {
  if (type === 'user' && field === 'email') {
    return UserParams.properties.email;
  }
  if (field === 'view') {
    return type === 'analytics' ? AnalyticsView : UserView;
  }
  return QUERY_TYPES[type].querystring?.properties[field];
}

/** Select options of a field, straight from the exporter's schema. */
export function fieldOptions(type: QueryType, field: FieldName): string[] | undefined {
  return enumValues(fieldSchema(type, field));
}

/** A new query of a type: every field at its default, nothing from another type. */
export function defaultQuery(type: QueryType, refId = 'A'): CursorQuery {
  const fields = Object.fromEntries(Object.entries(QUERY_TYPES[type].defaults).filter(([, v]) => v !== undefined));
  return { refId, queryType: type, ...fields };
}

/** A stored query with its type's defaults filled in where a field is missing (old or hand-written JSON). */
export function withDefaults(query: CursorQuery): CursorQuery {
  const type = query.queryType in QUERY_TYPES ? query.queryType : 'series';
  return { ...defaultQuery(type, query.refId), ...query, queryType: type };
}
