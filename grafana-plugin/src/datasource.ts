import {
  CoreApp,
  DataSourceApi,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom, of } from 'rxjs';
import type { Frame, Health } from '../../exporter/src/schemas';
import { AnnotationEditor } from './components/AnnotationEditor';
import { explainError } from './errors';
import { healthFrame, incidentAnnotations, mergeFrames } from './frames';
import { expandParams, type Params } from './interpolate';
import { QUERY_TYPES, defaultQuery, fieldsOf, withDefaults } from './query-types';
import type { CursorDataSourceOptions, CursorQuery } from './types';
import { CursorVariableSupport } from './variables';

/** plugin.json's route: Grafana's proxy forwards `<proxy url>/api/...` to `<exporter url>/api/...` with the bearer token. */
export const API_PREFIX = '/api/v1';

/** Labels a fanned-out request by the values that differ between requests (e.g. "user=a@x"). */
function labelOf(params: Params, all: Params[]): string {
  return Object.keys(params)
    .filter((k) => all.some((p) => p[k] !== params[k]))
    .map((k) => `${k}=${params[k]}`)
    .join(' ');
}

export class DataSource extends DataSourceApi<CursorQuery, CursorDataSourceOptions> {
  private readonly proxyUrl: string;

  constructor(instanceSettings: DataSourceInstanceSettings<CursorDataSourceOptions>) {
    super(instanceSettings);
    this.proxyUrl = instanceSettings.url ?? '';
    this.variables = new CursorVariableSupport(this);
    this.annotations = {
      QueryEditor: AnnotationEditor,
      getDefaultQuery: () => defaultQuery('incidents', 'Anno'),
      // Annotations are always incidents, whatever a hand-edited dashboard says.
      prepareQuery: (anno) => ({ ...defaultQuery('incidents', 'Anno'), ...anno.target, queryType: 'incidents' }),
      processEvents: (_anno, frames) => of(incidentAnnotations(frames)),
    };
  }

  getDefaultQuery(_app: CoreApp): Partial<CursorQuery> {
    return defaultQuery('series');
  }

  /** GET <route> through the data proxy; rejects with Grafana's FetchError on a non-2xx answer. */
  async get<T>(path: string, params: Params = {}): Promise<T> {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({
        url: `${this.proxyUrl}${API_PREFIX}${path}`,
        method: 'GET',
        params,
        // The panel shows the error; Grafana's global toast would repeat it.
        showErrorAlert: false,
      })
    );
    return response.data;
  }

  /** The frames of one target: one request per combination of multi-value variable values. */
  async runTarget(
    target: CursorQuery,
    range: { from: number; to: number } | undefined,
    scopedVars: ScopedVars
  ): Promise<DataFrame[]> {
    const query = withDefaults(target);
    const spec = QUERY_TYPES[query.queryType];
    const fields = Object.fromEntries(fieldsOf(query.queryType).map((f) => [f, query[f]]));
    const sets = expandParams(fields, scopedVars);
    for (const field of spec.pathFields) {
      if (sets.some((s) => s[field] === undefined)) {
        throw new Error(
          `the ${spec.label} query needs a value for "${field}" (a variable set to All or empty gives none)`
        );
      }
    }
    const answers = await Promise.all(
      sets.map(async (set) => {
        const qs: Params = Object.fromEntries(
          Object.entries(set).filter(([k]) => !spec.pathFields.includes(k as never))
        );
        if (spec.timeRange && range) {
          Object.assign(qs, range);
        }
        return { set, body: await this.get<Frame | Health>(spec.path(set), qs) };
      })
    );
    if (query.queryType === 'health') {
      return answers.map((a) => healthFrame(a.body as Health, query.refId));
    }
    return mergeFrames(
      answers.map((a) => ({ frame: a.body as Frame, label: labelOf(a.set, sets) })),
      query.refId
    );
  }

  async query(request: DataQueryRequest<CursorQuery>): Promise<DataQueryResponse> {
    const range = request.range ? { from: request.range.from.valueOf(), to: request.range.to.valueOf() } : undefined;
    const data: DataFrame[] = [];
    const errors: DataQueryError[] = [];
    const results = await Promise.all(
      request.targets
        .filter((t) => !t.hide)
        .map(async (t) => {
          try {
            return { frames: await this.runTarget(t, range, request.scopedVars) };
          } catch (err) {
            const e = explainError(err);
            return { error: { refId: t.refId, message: e.message, status: e.status } };
          }
        })
    );
    for (const r of results) {
      if (r.frames) {
        data.push(...r.frames);
      } else if (r.error) {
        errors.push(r.error);
      }
    }
    return { data, errors: errors.length ? errors : undefined };
  }

  /**
   * "Save & test": wrong token, unreachable URL, stale or empty data and OK each say so, the last
   * with the team size (members in the current billing cycle).
   */
  async testDatasource(): Promise<TestDataSourceResponse> {
    let health: Health;
    try {
      health = await this.get<Health>('/health');
    } catch (err) {
      const e = explainError(err);
      const message = {
        auth: `Wrong API token: ${e.message}.`,
        unreachable: `Exporter unreachable: ${e.message}.`,
        timeout: `Exporter unreachable: ${e.message}.`,
      }[e.kind as string];
      return { status: 'error', message: message ?? `Exporter check failed: ${e.message}.` };
    }
    if (health.status === 'empty') {
      return {
        status: 'warning',
        message: 'Connected, but the exporter has collected no data yet: check its Cursor API key and its logs.',
      };
    }
    const ageMin = Math.round((health.data.age_ms ?? 0) / 60_000);
    if (health.status === 'stale') {
      return {
        status: 'warning',
        message: `Connected, but the data is stale: last successful collection ${ageMin} min ago (expected under ${Math.round(health.data.max_age_ms / 60_000)} min). Check the exporter's logs and its Cursor API key.`,
      };
    }
    let team = '';
    try {
      const cycle = await this.get<Frame>('/tables/cycle-summary');
      team = `, team of ${cycle.rows[0]?.members ?? 0} members`;
    } catch {
      // The health answer already proved the connection; the team size is a courtesy.
    }
    return {
      status: 'success',
      message: `Connected to the exporter: data is fresh (last collection ${ageMin} min ago)${team}.`,
    };
  }
}
