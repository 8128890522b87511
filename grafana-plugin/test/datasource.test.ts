/**
 * The DataSource against the real exporter (demo: the built-in simulator's 60-person team): only
 * Grafana's fetch transport is replaced, by a fake that applies plugin.json's route and makes the
 * real HTTP request. Every query type, variables, annotations and "Save & test" see real answers.
 */
import net from 'node:net';
import { FieldType, type AnnotationQuery, type DataFrame, type DataQueryResponse } from '@grafana/data';
import { lastValueFrom } from 'rxjs';
import type { Frame } from '../../exporter/src/schemas';
import { DataSource } from '../src/datasource';
import { QUERY_TYPE_NAMES, QUERY_TYPES, defaultQuery, fieldOptions, fieldsOf } from '../src/query-types';
import type { CursorQuery, VariableQuery } from '../src/types';
import {
  freePort,
  getJson,
  removeDir,
  startDemoExporter,
  startEmptyExporter,
  startStaleExporter,
  TOKEN,
  type Exporter,
} from './exporter';
import { PROXY_URL, variable, type SeenRequest } from './grafana-fakes';
import { DAY, makeDataSource, request, variableOptions } from './setup-datasource';

jest.setTimeout(120_000);

let exporter: Exporter;
let stale: Exporter | undefined;
let empty: Exporter | undefined;
let users: Array<{ text: string; value: string }>;
// The window ends after the exporter's first detection run, so today's incidents are inside it.
let TO: number;
let FROM: number;

beforeAll(async () => {
  exporter = await startDemoExporter();
  TO = Date.now();
  FROM = TO - 30 * DAY;
  users = (await getJson<Frame>(`${exporter.url}/api/v1/variables/users?limit=1000`)).rows as typeof users;
});
afterAll(async () => {
  await stale?.stop();
  await empty?.stop();
  await exporter?.stop();
  removeDir(exporter?.dir);
});

const FIELD_TYPES: Record<string, FieldType> = {
  time: FieldType.time,
  number: FieldType.number,
  string: FieldType.string,
  boolean: FieldType.boolean,
};
const shape = (f: DataFrame) => f.fields.map((x) => ({ name: x.name, type: x.type, unit: x.config.unit }));

async function run(ds: DataSource, targets: CursorQuery[]): Promise<DataQueryResponse> {
  return ds.query(request(targets, FROM, TO));
}

/** What the exporter itself answers for a query (path and querystring built here, independently of the plugin). */
function direct(path: string, qs: Record<string, string | number> = {}): Promise<Frame> {
  const search = new URLSearchParams(Object.entries(qs).map(([k, v]) => [k, String(v)]));
  return getJson<Frame>(`${exporter.url}/api/v1${path}?${search}`);
}

describe('every query type through query()', () => {
  // The route and querystring each type's defaults mean, written out by hand.
  const expected = (range = { from: FROM, to: TO }): Record<string, [string, Record<string, string | number>]> => ({
    series: ['/series', { metric: 'spend', by: 'team', interval: '1d', limit: 10, ...range }],
    topSpenders: ['/tables/top-spenders', { limit: 10, ...range }],
    members: ['/tables/members', { sort: 'spend', order: 'desc', limit: 100, ...range }],
    modelCosts: ['/tables/model-costs', range],
    userModelCosts: ['/tables/user-model-costs', { limit: 100, ...range }],
    user: [`/users/${encodeURIComponent(users[0].value)}`, range],
    incidents: ['/incidents', { limit: 100, ...range }],
    mttx: ['/incidents/mttx', range],
    forecasts: ['/tables/forecasts', { limit: 100 }],
    budgets: ['/tables/budgets', {}],
    savings: ['/tables/savings', { limit: 100 }],
    analytics: ['/analytics/dau', { limit: 20, ...range }],
    cycleSummary: ['/tables/cycle-summary', {}],
    planExhaustion: ['/tables/plan-exhaustion', { limit: 100 }],
  });

  test.each(QUERY_TYPE_NAMES.filter((t) => t !== 'health'))(
    '%s: the exporter frame with its field names, types, units and values',
    async (type) => {
      const { ds } = makeDataSource(exporter.url, TOKEN, {
        variables: [variable('user', users, users[0].value, { includeAll: false })],
      });
      const res = await run(ds, [defaultQuery(type)]);
      expect(res.errors).toBeUndefined();
      expect(res.data).toHaveLength(1);
      const frame: DataFrame = res.data[0];
      const [path, qs] = expected()[type];
      const want = await direct(path, qs);
      expect(frame.refId).toBe('A');
      expect(shape(frame)).toEqual(
        want.columns.map((c) => ({ name: c.name, type: FIELD_TYPES[c.type], unit: c.unit }))
      );
      expect(frame.length).toBe(want.rows.length);
      for (const field of frame.fields) {
        expect(field.values).toEqual(want.rows.map((r) => r[field.name] ?? null));
      }
    }
  );

  test('the demo team gives every panel data with the defaults (no empty frame)', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN, {
      variables: [variable('user', users, users[0].value, { includeAll: false })],
    });
    const res = await run(
      ds,
      QUERY_TYPE_NAMES.map((t) => ({ ...defaultQuery(t), refId: t }))
    );
    expect(res.errors).toBeUndefined();
    const empty = res.data.filter((f: DataFrame) => f.length === 0).map((f: DataFrame) => f.refId);
    // The demo sets no budget (settings.budgets.teamCycleUsd = 0 means off), so budgets has no rows.
    expect(empty).toEqual(['budgets']);
  });

  test('units: spend in currencyUSD, shares as percentunit, MTTx in minutes', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const res = await run(ds, [
      { refId: 'S', queryType: 'series', metric: 'spend', by: 'user', limit: 3 },
      { refId: 'T', queryType: 'topSpenders', limit: 5 },
      { refId: 'M', queryType: 'mttx' },
      { refId: 'R', queryType: 'series', metric: 'requests' },
    ]);
    const byRef = Object.fromEntries(res.data.map((f: DataFrame) => [f.refId, f]));
    const s: DataFrame = byRef.S;
    expect(s.fields[0]).toMatchObject({ name: 'time', type: FieldType.time });
    expect(s.fields.slice(1).map((f) => f.config.unit)).toEqual([
      'currencyUSD',
      'currencyUSD',
      'currencyUSD',
      'currencyUSD',
    ]);
    expect(s.fields.map((f) => f.name).at(-1)).toBe('other');
    const t: DataFrame = byRef.T;
    expect(t.fields.find((f) => f.name === 'spend_usd')?.config.unit).toBe('currencyUSD');
    expect(t.fields.find((f) => f.name === 'share')?.config.unit).toBe('percentunit');
    expect(t.length).toBe(5);
    expect(byRef.M.fields.find((f: { name: string }) => f.name === 'mttd_minutes').config.unit).toBe('m');
    expect(byRef.R.fields[1].config.unit).toBe('short');
  });

  test('health: one row with status, message and data age in ms', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const res = await run(ds, [defaultQuery('health')]);
    const f: DataFrame = res.data[0];
    expect(f.length).toBe(1);
    expect(f.fields.find((x) => x.name === 'status')?.values).toEqual(['ok']);
    expect(f.fields.find((x) => x.name === 'data_age')).toMatchObject({
      type: FieldType.number,
      config: { unit: 'ms' },
    });
    expect(f.fields.find((x) => x.name === 'last_collection')?.type).toBe(FieldType.time);
  });

  test('every user view and analytics view is a route the exporter serves', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const targets: CursorQuery[] = [
      ...fieldOptions('user', 'view')!.map((view, i) => ({
        refId: `U${i}`,
        queryType: 'user' as const,
        email: users[1].value,
        view: view as CursorQuery['view'],
      })),
      ...fieldOptions('analytics', 'view')!.map((view, i) => ({
        refId: `A${i}`,
        queryType: 'analytics' as const,
        view: view as CursorQuery['view'],
      })),
    ];
    const res = await run(ds, targets);
    expect(res.errors).toBeUndefined();
    expect(res.data.map((f: DataFrame) => f.refId)).toEqual(targets.map((t) => t.refId));
  });
});

describe('template variables in queries', () => {
  test('$user and ${group} are replaced with the selected values', async () => {
    const groups = (await direct('/variables/groups')).rows as Array<{ text: string; value: string }>;
    const seen: SeenRequest[] = [];
    const { ds } = makeDataSource(exporter.url, TOKEN, {
      seen,
      variables: [variable('user', users, users[2].value), variable('group', groups, groups[0].value)],
    });
    await run(ds, [{ refId: 'A', queryType: 'members', user: '$user', group: '${group}' }]);
    const url = new URL(seen[0].target);
    expect(url.searchParams.get('user')).toBe(users[2].value);
    expect(url.searchParams.get('group')).toBe(groups[0].value);
  });

  test('"All" drops the filter: the same answer as no filter, one request', async () => {
    const seen: SeenRequest[] = [];
    const { ds } = makeDataSource(exporter.url, TOKEN, {
      seen,
      variables: [variable('user', users, '$__all', { multi: true })],
    });
    const res = await run(ds, [{ refId: 'A', queryType: 'topSpenders', user: '$user', limit: 5 }]);
    expect(seen).toHaveLength(1);
    expect(new URL(seen[0].target).searchParams.has('user')).toBe(false);
    const want = await direct('/tables/top-spenders', { limit: 5, from: FROM, to: TO });
    expect(res.data[0].fields.find((f: { name: string }) => f.name === 'email').values).toEqual(
      want.rows.map((r) => r.email)
    );
  });

  test('multi-value: one request per value; table rows merged, series one frame per value', async () => {
    const picked = [users[3].value, users[4].value];
    const seen: SeenRequest[] = [];
    const { ds } = makeDataSource(exporter.url, TOKEN, {
      seen,
      variables: [variable('user', users, picked, { multi: true })],
    });
    const res = await run(ds, [
      { refId: 'T', queryType: 'topSpenders', user: '$user' },
      { refId: 'S', queryType: 'series', metric: 'requests', by: 'team', user: '$user' },
    ]);
    expect(res.errors).toBeUndefined();
    expect(seen.map((s) => new URL(s.target).searchParams.get('user')).sort()).toEqual([...picked, ...picked].sort());
    const tables = res.data.filter((f: DataFrame) => f.refId === 'T');
    expect(tables).toHaveLength(1);
    const emails = tables[0].fields.find((f: { name: string }) => f.name === 'email').values;
    expect([...emails].sort()).toEqual([...picked].sort());
    const series = res.data.filter((f: DataFrame) => f.refId === 'S');
    expect(series.map((f: DataFrame) => f.name)).toEqual(picked.map((p) => `user=${p}`));
    for (const [i, p] of picked.entries()) {
      const want = await direct('/series', {
        metric: 'requests',
        by: 'team',
        interval: '1d',
        limit: 10,
        user: p,
        from: FROM,
        to: TO,
      });
      expect(series[i].fields[1].values).toEqual(want.rows.map((r) => r[want.columns[1].name]));
    }
  });

  test('too many combinations is an error in the panel, not 400 requests', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN, {
      variables: [
        variable(
          'user',
          users,
          users.slice(0, 25).map((u) => u.value),
          { multi: true }
        ),
      ],
    });
    const res = await run(ds, [{ refId: 'A', queryType: 'topSpenders', user: '$user' }]);
    expect(res.data).toEqual([]);
    expect(res.errors?.[0]).toMatchObject({
      refId: 'A',
      message: expect.stringMatching(/more than 20 requests.*select fewer values or All/),
    });
  });
});

describe('template variable support (CustomVariableSupport)', () => {
  const values = async (ds: DataSource, q: VariableQuery) => {
    const res = await variableOptions(ds, q);
    expect(res.errors).toBeUndefined();
    return res.options;
  };

  test('users: text is the name, value the e-mail; q searches', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const all = await values(ds, { refId: 'v', kind: 'users' });
    expect(all).toEqual(users);
    expect(all.every((u) => u.text !== u.value && u.text.includes(u.value))).toBe(true);
    const needle = users[5].value.split('@')[0];
    expect((await values(ds, { refId: 'v', kind: 'users', q: needle })).map((u) => u.value)).toContain(users[5].value);
  });

  test('groups, models and detectors', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const groups = await values(ds, { refId: 'v', kind: 'groups' });
    expect(groups.length).toBeGreaterThan(1);
    expect(groups.every((g) => g.text !== g.value)).toBe(true);
    expect((await values(ds, { refId: 'v', kind: 'models' })).length).toBeGreaterThan(1);
    const detectors = (await values(ds, { refId: 'v', kind: 'detectors' })).map((d) => d.value);
    expect(detectors).toEqual(expect.arrayContaining(['spend_spike', 'zscore', 'drift']));
  });
});

describe('annotations', () => {
  test('incidents become events: evidence text, detector/severity/user/group tags, regions end at resolution', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const anno = {
      enable: true,
      name: 'Incidents',
      iconColor: 'red',
      target: { refId: 'Anno', queryType: 'series' },
    } as unknown as AnnotationQuery<CursorQuery>;
    const query = ds.annotations!.prepareQuery!(anno)!;
    expect(query.queryType).toBe('incidents');
    const res = await ds.query(request([query], TO - 60 * DAY, TO));
    const events = (await lastValueFrom(ds.annotations!.processEvents!(anno, res.data)))!;
    const incidents = await direct('/incidents', { limit: 100, from: TO - 60 * DAY, to: TO });
    expect(events).toHaveLength(incidents.rows.length);
    expect(events.length).toBeGreaterThan(0);
    events.forEach((e, i) => {
      const row = incidents.rows[i];
      expect(e.text).toBe(row.message);
      expect(e.time).toBe(row.onset ?? row.detected);
      expect(e.tags).toEqual(
        [row.detector, row.severity, row.email, row.group].filter((t) => typeof t === 'string' && t !== '')
      );
      expect(e.timeEnd).toBe(row.resolved ?? undefined);
      expect(e.isRegion).toBe(row.resolved !== null && (row.resolved as number) > (e.time as number));
    });
  });
});

describe('errors from the exporter show in the panel', () => {
  test("an unknown member: the exporter's 404 message, other queries unaffected", async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const res = await run(ds, [
      { refId: 'A', queryType: 'user', email: 'nobody@nowhere.example', view: 'timeline' },
      { refId: 'B', queryType: 'budgets' },
    ]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ refId: 'A', status: 404 });
    expect(res.errors![0].message).toMatch(/^exporter: .*nobody@nowhere\.example.* \(404\)$/);
    expect(res.data.map((f: DataFrame) => f.refId)).toEqual(['B']);
  });

  test('a bad field value: the 400 names the field', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const res = await run(ds, [{ refId: 'A', queryType: 'series', metric: 'spend', interval: 'weekly' }]);
    expect(res.errors![0].message).toMatch(/^exporter: querystring\.interval.*\(400\)$/);
  });

  test('a user query whose $user is All has no member to ask for', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN, { variables: [variable('user', users, '$__all')] });
    const res = await run(ds, [defaultQuery('user')]);
    expect(res.errors![0].message).toMatch(/needs a value for "email"/);
  });

  test('a proxy timeout (504) says the exporter did not answer in time', async () => {
    // a socket that accepts and never answers, like a hung exporter
    const hung = net.createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    try {
      const { ds } = makeDataSource(`http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`, TOKEN, {
        timeoutMs: 300,
      });
      const res = await run(ds, [defaultQuery('budgets')]);
      expect(res.errors![0]).toMatchObject({ status: 504, message: expect.stringMatching(/did not answer in time/) });
    } finally {
      hung.close();
    }
  });
});

describe('Save & test', () => {
  test('OK: fresh data and the team size', async () => {
    const { ds } = makeDataSource(exporter.url, TOKEN);
    const cycle = await direct('/tables/cycle-summary');
    const r = await ds.testDatasource();
    expect(r.status).toBe('success');
    expect(r.message).toMatch(
      /^Connected to the exporter: data is fresh \(last collection \d+ min ago\), team of \d+ members\.$/
    );
    expect(r.message).toContain(`team of ${cycle.rows[0].members} members`);
  });

  test('wrong token', async () => {
    const { ds } = makeDataSource(exporter.url, 'not-the-token-0000000000');
    const r = await ds.testDatasource();
    expect(r).toEqual({
      status: 'error',
      message: expect.stringMatching(
        /^Wrong API token: the exporter rejected the API token \(401: invalid bearer token\)/
      ),
    });
  });

  test('unreachable URL', async () => {
    const { ds } = makeDataSource(`http://127.0.0.1:${await freePort()}`, TOKEN);
    const r = await ds.testDatasource();
    expect(r).toEqual({
      status: 'error',
      message: expect.stringMatching(/^Exporter unreachable: cannot reach the exporter \(502 Bad Gateway\)/),
    });
  });

  test('exporter up but data stale: the last collection age', async () => {
    stale = await startStaleExporter(exporter, 6);
    const { ds } = makeDataSource(stale.url, TOKEN);
    const r = await ds.testDatasource();
    expect(r.status).toBe('warning');
    expect(r.message).toMatch(
      /^Connected, but the data is stale: last successful collection 36\d min ago \(expected under 180 min\)/
    );
  });
});

describe('Save & test before the first collection', () => {
  test('exporter up, nothing collected yet', async () => {
    empty = await startEmptyExporter(exporter);
    const { ds } = makeDataSource(empty.url, TOKEN);
    expect(await ds.testDatasource()).toEqual({
      status: 'warning',
      message: 'Connected, but the exporter has collected no data yet: check its Cursor API key and its logs.',
    });
  });
});

describe('the token stays server-side', () => {
  test('the browser side sends no Authorization header and only data-proxy URLs', async () => {
    const seen: SeenRequest[] = [];
    const { ds } = makeDataSource(exporter.url, TOKEN, { seen });
    await run(ds, [defaultQuery('series'), defaultQuery('incidents')]);
    await ds.testDatasource();
    expect(seen.length).toBeGreaterThan(2);
    for (const s of seen) {
      expect(s.url.startsWith(`${PROXY_URL}/api/v1/`)).toBe(true);
      expect(JSON.stringify(s.headers)).not.toContain(TOKEN);
      expect(s.url).not.toContain(TOKEN);
    }
  });
});

describe('one query model with the exporter (OpenAPI of the running exporter)', () => {
  test('every field of every query type is a parameter of its route, with the same enum values', async () => {
    const doc = await getJson<{
      paths: Record<
        string,
        { get?: { parameters?: Array<{ name: string; in: string; schema: Record<string, unknown> }> } }
      >;
    }>(`${exporter.url}/docs/json`);
    const enumOf = (schema: Record<string, unknown>): string[] | undefined =>
      Array.isArray(schema.enum)
        ? (schema.enum as string[])
        : Array.isArray(schema.anyOf)
          ? (schema.anyOf as Array<{ enum?: string[] }>).flatMap((s) => s.enum ?? [])
          : undefined;
    for (const type of QUERY_TYPE_NAMES) {
      const spec = QUERY_TYPES[type];
      const views = type === 'user' ? fieldOptions('user', 'view')! : [undefined];
      for (const view of views) {
        const path = `/api/v1${spec
          .path({ email: '{email}', view: type === 'analytics' ? '{view}' : (view ?? '') })
          .replace('%7Bemail%7D', '{email}')
          .replace('%7Bview%7D', '{view}')}`;
        const params = doc.paths[path]?.get?.parameters;
        expect({ type, path, found: params !== undefined || doc.paths[path]?.get !== undefined }).toEqual({
          type,
          path,
          found: true,
        });
        for (const field of fieldsOf(type).filter((f) => !(f === 'view' && type === 'user'))) {
          const p = (params ?? []).find((x) => x.name === field);
          expect({ type, field, in: p?.in }).toEqual({
            type,
            field,
            in: spec.pathFields.includes(field) ? 'path' : 'query',
          });
          expect({ type, field, enum: enumOf(p!.schema) }).toEqual({ type, field, enum: fieldOptions(type, field) });
        }
        // /users/{email}/anomalies lists the member's incidents whatever the range; it ignores from/to.
        if (spec.timeRange && view !== 'anomalies') {
          expect((params ?? []).map((p) => p.name)).toEqual(expect.arrayContaining(['from', 'to']));
        }
      }
    }
  });
});
