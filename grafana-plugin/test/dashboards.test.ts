/**
 * Every committed dashboard (dashboards/generated/*.json) against the real exporter: each target and
 * annotation whose datasource is this plugin runs through the DataSource with the dashboard's own
 * time range and variables — the plugin's variables filled by the plugin itself, set to All, then
 * to a real member — and must return data: no error, no empty frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dateMath, type AnnotationQuery, type DataFrame, type TypedVariableModel } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import type { Frame } from '../../exporter/src/schemas';
import pluginJson from '../src/plugin.json';
import type { CursorQuery, VariableQuery } from '../src/types';
import { getJson, removeDir, runDetection, sendJson, startDemoExporter, TOKEN, type Exporter } from './exporter';
import { variable } from './grafana-fakes';
import { makeDataSource, request, variableOptions } from './setup-datasource';

jest.setTimeout(120_000);

const DIR = path.resolve(__dirname, '../../dashboards/generated');
const ID = pluginJson.id;

interface Target {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  [k: string]: unknown;
}
interface Panel {
  title?: string;
  targets?: Target[];
  panels?: Panel[];
}
interface DashboardVariable {
  name: string;
  type: string;
  query: unknown;
  current?: { value?: string | string[] };
  includeAll?: boolean;
  datasource?: { type?: string };
}
interface Dashboard {
  uid: string;
  time: { from: string; to: string };
  panels: Panel[];
  templating?: { list?: DashboardVariable[] };
  annotations?: { list: Array<{ name: string; datasource?: { type?: string }; target?: Target }> };
}

const dashboards: Array<[string, Dashboard]> = fs.existsSync(DIR)
  ? fs
      .readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Dashboard])
  : [];

const ours = (t: { datasource?: { type?: string } }) => t.datasource?.type === ID;

function targets(panels: Panel[]): Array<{ title: string; target: Target }> {
  return panels.flatMap((p) => [
    ...(p.targets ?? []).filter(ours).map((target) => ({ title: p.title ?? '?', target })),
    ...targets(p.panels ?? []),
  ]);
}

let exporter: Exporter;
/** The member with the most incidents: their drilldown has every panel filled, anomaly history included. */
let member: string;

beforeAll(async () => {
  exporter = await startDemoExporter();
  // The demo sets no team budget; a team lead would, and the budget panel shows nothing without one.
  expect(await sendJson('PATCH', `${exporter.url}/api/v1/settings`, { budgets: { teamCycleUsd: 6000 } })).toBe(200);
  runDetection(exporter);
  const incidents = await getJson<Frame>(`${exporter.url}/api/v1/incidents?limit=1000`);
  const counts = new Map<string, number>();
  for (const r of incidents.rows) {
    if (typeof r.email === 'string') {
      counts.set(r.email, (counts.get(r.email) ?? 0) + 1);
    }
  }
  member = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
});
afterAll(async () => {
  await exporter?.stop();
  removeDir(exporter?.dir);
});

/** The dashboard's variables as Grafana would hold them: the plugin's own lists, set to All (or `user` to `member`). */
async function variablesOf(d: Dashboard, pick: 'all' | 'member'): Promise<TypedVariableModel[]> {
  const { ds } = makeDataSource(exporter.url, TOKEN);
  const out: TypedVariableModel[] = [];
  for (const v of d.templating?.list ?? []) {
    let options: Array<{ text: string; value: string }>;
    if (v.type === 'query' && ours(v)) {
      const res = await variableOptions(ds, { ...(v.query as Omit<VariableQuery, 'refId'>), refId: v.name });
      expect(res.errors).toBeUndefined();
      options = res.options;
      expect({ variable: v.name, options: options.length > 0 }).toEqual({ variable: v.name, options: true });
    } else if (v.type === 'custom') {
      options = String(v.query)
        .split(',')
        .map((x) => ({ text: x.trim(), value: x.trim() }));
    } else {
      continue;
    }
    const chosen =
      v.name === 'user' && (pick === 'member' || !v.includeAll)
        ? member
        : v.includeAll
          ? (v.current?.value ?? '$__all')
          : options[0].value;
    out.push(variable(v.name, options, chosen, { includeAll: v.includeAll }));
  }
  return out;
}

const describeIf = dashboards.length > 0 ? describe : describe.skip;

describeIf.each(dashboards)('%s', (_file, d) => {
  const passes = d.templating?.list?.some((v) => v.name === 'user' && v.includeAll)
    ? (['all', 'member'] as const)
    : (['all'] as const);

  test.each(passes)('every panel query returns data (variables: %s)', async (pick) => {
    const list = targets(d.panels);
    const { ds } = makeDataSource(exporter.url, TOKEN, { variables: await variablesOf(d, pick) });
    const from = dateMath.parse(d.time.from)!.valueOf();
    const to = dateMath.parse(d.time.to, true)!.valueOf();
    const failures: string[] = [];
    for (const { title, target } of list) {
      const res = await ds.query(request([{ refId: 'A', ...target } as CursorQuery], from, to));
      const frames: DataFrame[] = res.data;
      if (res.errors?.length) {
        failures.push(`${title} [${target.queryType}]: ${res.errors[0].message}`);
      } else if (!frames.some((f) => f.length > 0)) {
        failures.push(`${title} [${target.queryType}]: empty frame`);
      }
    }
    expect(failures).toEqual([]);
  });

  test.each(passes)('every annotation query returns events (variables: %s)', async (pick) => {
    const annos = (d.annotations?.list ?? []).filter(ours);
    const { ds } = makeDataSource(exporter.url, TOKEN, { variables: await variablesOf(d, pick) });
    for (const a of annos) {
      const anno = a as unknown as AnnotationQuery<CursorQuery>;
      const query = ds.annotations!.prepareQuery!(anno)!;
      const res = await ds.query(
        request([query], dateMath.parse(d.time.from)!.valueOf(), dateMath.parse(d.time.to, true)!.valueOf())
      );
      expect(res.errors).toBeUndefined();
      const events = await lastValueFrom(ds.annotations!.processEvents!(anno, res.data));
      expect({ annotation: a.name, events: (events ?? []).length > 0 }).toEqual({ annotation: a.name, events: true });
    }
  });
});
