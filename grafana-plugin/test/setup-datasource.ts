/** A DataSource wired to a real exporter through the fake data proxy, as Grafana would construct it. */
import {
  dateTime,
  type DataFrame,
  type DataQuery,
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  type TypedVariableModel,
} from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import { setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { DataSource } from '../src/datasource';
import type { CursorDataSourceOptions, VariableQuery } from '../src/types';
import type { CursorVariableSupport } from '../src/variables';
import pluginJson from '../src/plugin.json';
import { FakeTemplateSrv, PROXY_URL, proxyBackendSrv, type SeenRequest } from './grafana-fakes';

export const DAY = 86_400_000;

export function makeDataSource(
  exporterUrl: string,
  token: string,
  opts: { variables?: TypedVariableModel[]; seen?: SeenRequest[]; timeoutMs?: number } = {}
) {
  setBackendSrv(
    proxyBackendSrv(
      { jsonData: { url: exporterUrl }, secureJsonData: { apiToken: token }, timeoutMs: opts.timeoutMs },
      opts.seen
    )
  );
  const templateSrv = new FakeTemplateSrv(opts.variables ?? []);
  setTemplateSrv(templateSrv);
  const settings = {
    id: 1,
    uid: 'cursor-usage',
    type: pluginJson.id,
    name: 'Cursor usage',
    access: 'proxy',
    url: PROXY_URL,
    jsonData: { url: exporterUrl },
    readOnly: false,
    meta: {
      id: pluginJson.id,
      name: pluginJson.name,
      type: 'datasource',
      info: pluginJson.info,
      module: '',
      baseUrl: '',
    },
  } as unknown as DataSourceInstanceSettings<CursorDataSourceOptions>;
  return { ds: new DataSource(settings), templateSrv };
}

/** A panel request over [from, to] as Grafana sends it. */
export function request<Q extends DataQuery>(
  targets: Q[],
  from = Date.now() - 30 * DAY,
  to = Date.now()
): DataQueryRequest<Q> {
  const range = { from: dateTime(from), to: dateTime(to), raw: { from: 'now-30d', to: 'now' } };
  return {
    requestId: 'test',
    interval: '1d',
    intervalMs: DAY,
    range,
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  } as DataQueryRequest<Q>;
}

/** A template variable's options as the plugin's variable support returns them (text and value). */
export async function variableOptions(ds: DataSource, query: VariableQuery) {
  const res = await lastValueFrom((ds.variables as CursorVariableSupport).query(request([query])));
  const frame: DataFrame | undefined = res.data[0];
  const col = (name: string) => (frame?.fields.find((f) => f.name === name)?.values ?? []) as string[];
  return { errors: res.errors, options: col('text').map((text, i) => ({ text, value: col('value')[i] })) };
}
