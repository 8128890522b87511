/**
 * The plugin's query model, typed from the exporter's own JSON API schemas (exporter/src/schemas
 * imports only @sinclair/typebox so it can be bundled here): a field of a query type has exactly the
 * type its route accepts. `from`/`to` always come from the panel's time range and are never stored.
 */
import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type { Static } from '@sinclair/typebox';
import type {
  AnalyticsQuery,
  AnalyticsView,
  CycleQuery,
  ForecastsQuery,
  IncidentsQuery,
  MembersQuery,
  PlanExhaustionQuery,
  SavingsQuery,
  SeriesQuery,
  TopQuery,
  VariableKind,
  WindowQuery,
} from '../../exporter/src/schemas';

/** The per-user routes: /users/{email} is the summary, the others are /users/{email}/{view}. */
export const USER_VIEWS = ['summary', 'timeline', 'models', 'features', 'anomalies'] as const;
export type UserView = (typeof USER_VIEWS)[number];

/** Querystring fields a query type carries: the route's schema minus the time range and paging. */
type Fields<Q, K extends keyof Q> = Partial<Pick<Q, K>>;

export interface QueryFields {
  series: Fields<SeriesQuery, 'metric' | 'by' | 'interval' | 'limit' | 'user' | 'group' | 'model'>;
  topSpenders: Fields<TopQuery, 'limit' | 'user' | 'group' | 'model'>;
  members: Fields<MembersQuery, 'q' | 'sort' | 'order' | 'badge' | 'limit' | 'user' | 'group' | 'model'>;
  modelCosts: Fields<WindowQuery, 'user' | 'group' | 'model'>;
  userModelCosts: Fields<TopQuery, 'limit' | 'user' | 'group'>;
  user: { email?: string; view?: UserView };
  incidents: Fields<IncidentsQuery, 'status' | 'detector' | 'user' | 'severity' | 'limit'>;
  mttx: {};
  forecasts: Fields<Static<typeof ForecastsQuery>, 'subject' | 'group' | 'limit'>;
  budgets: {};
  savings: Fields<Static<typeof SavingsQuery>, 'limit'>;
  analytics: { view?: AnalyticsView } & Fields<AnalyticsQuery, 'limit'>;
  cycleSummary: Fields<CycleQuery, 'group'>;
  planExhaustion: Fields<Static<typeof PlanExhaustionQuery>, 'group' | 'limit'>;
  health: {};
}
export type QueryType = keyof QueryFields;

/** Every field any query type has; a query holds only its own type's fields. */
type AllFields = { [T in QueryType]: QueryFields[T] }[QueryType];
type UnionKeys<U> = U extends unknown ? keyof U : never;
export type FieldName = UnionKeys<AllFields>;

export interface CursorQuery extends DataQuery {
  queryType: QueryType;
  metric?: QueryFields['series']['metric'];
  by?: QueryFields['series']['by'];
  interval?: string;
  limit?: number;
  user?: string;
  group?: string;
  model?: string;
  q?: string;
  sort?: QueryFields['members']['sort'];
  order?: QueryFields['members']['order'];
  badge?: QueryFields['members']['badge'];
  email?: string;
  view?: UserView | AnalyticsView;
  status?: QueryFields['incidents']['status'];
  detector?: string;
  severity?: QueryFields['incidents']['severity'];
  subject?: QueryFields['forecasts']['subject'];
}

/** A template-variable query: which list, and an optional search substring. */
export interface VariableQuery extends DataQuery {
  kind: VariableKind;
  q?: string;
}

/** Settings stored by the ConfigEditor; the API token lives only in secureJsonData. */
export interface CursorDataSourceOptions extends DataSourceJsonData {
  /** The exporter's base URL, e.g. http://exporter:9464; plugin.json's route forwards /api to it. */
  url?: string;
}

export interface CursorSecureJsonData {
  apiToken?: string;
}
