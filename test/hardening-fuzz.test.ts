/**
 * Property-based fuzzing of every JSON API route (taken from the OpenAPI document): 10,000 requests
 * with generated query strings, path parameters and bodies — near-valid values, wrong types, huge
 * and odd strings, broken JSON. None may answer 5xx, and every 400 names the offending field.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { auth, buildTestApp, seedTeam } from '../exporter/src/api/testing';

jest.setTimeout(600_000);

const RUNS = 10_000;

interface Param {
  in: 'query' | 'path';
  name: string;
  schema: { type?: string; enum?: unknown[]; anyOf?: { const?: unknown; enum?: unknown[] }[] };
}
interface Route {
  method: string;
  path: string;
  params: Param[];
  bodyProps: string[];
}

const NOW = Date.parse('2026-03-10T12:00:00Z');

/** Values that are almost right, plainly wrong, or hostile. */
const scalar = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    'undefined',
    'NaN',
    '-1',
    '0',
    '1e309',
    '9007199254740993',
    '1d',
    '7d',
    '0d',
    '1h',
    'all',
    '$user',
    'alice@acme.io',
    'g_web',
    "'; DROP TABLE members;--",
    '%00',
    '\u0000',
    '../../etc/passwd',
    '=cmd|"/c calc"!A1',
  ),
  fc.integer({ min: NOW - 200 * 86_400_000, max: NOW + 86_400_000 }).map(String),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ minLength: 300, maxLength: 2000 }),
);

function enumValues(p: Param): unknown[] {
  return p.schema.enum ?? p.schema.anyOf?.flatMap((a) => (a.const !== undefined ? [a.const] : (a.enum ?? []))) ?? [];
}

const paramValue = (p: Param) => {
  const known = enumValues(p);
  return known.length > 0 ? fc.oneof(fc.constantFrom(...known.map(String)), scalar) : scalar;
};

/** A JSON body: the route's own fields with odd values, anything at all, or not JSON. */
function body(route: Route): fc.Arbitrary<{ text: string; type: string } | undefined> {
  const fields =
    route.bodyProps.length > 0
      ? fc.dictionary(
          fc.constantFrom(...route.bodyProps, 'extra', '__proto__', 'constructor'),
          fc.oneof(fc.jsonValue(), scalar, fc.integer({ min: NOW - 100 * 86_400_000, max: NOW })),
          { maxKeys: 6 },
        )
      : fc.jsonValue();
  const csv = fc.record({
    csv: fc.oneof(
      scalar,
      fc
        .array(fc.array(scalar, { maxLength: 5 }), { maxLength: 6 })
        .map((rows) => rows.map((r) => r.join(',')).join('\n')),
    ),
  });
  return fc.oneof(
    { weight: 5, arbitrary: fields.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })) },
    { weight: 2, arbitrary: csv.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc.jsonValue().map((v) => ({ text: JSON.stringify(v) ?? 'null', type: 'application/json' })),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((t) => ({ text: t, type: 'application/json' })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

describe('fuzzing the JSON API', () => {
  let app: FastifyInstance;
  let base: string;
  let routes: Route[];

  beforeAll(async () => {
    ({ app, base } = await buildTestApp(seedTeam(), { rateLimit: { max: 1_000_000, timeWindow: '1 minute' } }));
    const doc = (await (await fetch(`${base}/docs/json`, { headers: auth })).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Param[];
            requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
          }
        >
      >;
    };
    routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: p,
        params: op.parameters ?? [],
        bodyProps: Object.keys(op.requestBody?.content['application/json']?.schema.properties ?? {}),
      })),
    );
  });
  afterAll(() => app.close());

  it(`answers ${RUNS} generated requests without a 5xx, naming the field of every 400`, async () => {
    expect(routes.length).toBeGreaterThan(30);
    const request = fc.integer({ min: 0, max: routes.length - 1 }).chain((i) => {
      const r = routes[i];
      const query = r.params.filter((p) => p.in === 'query');
      const path = r.params.filter((p) => p.in === 'path');
      return fc.record({
        route: fc.constant(r),
        query: fc.record(Object.fromEntries(query.map((p) => [p.name, paramValue(p)])), { requiredKeys: [] }),
        extraQuery: fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), scalar), { freq: 5 }),
        path: fc.record(Object.fromEntries(path.map((p) => [p.name, paramValue(p)]))),
        body: r.method === 'GET' ? fc.constant(undefined) : body(r),
      });
    });
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ route, query, extraQuery, path, body: b }) => {
        const url = new URL(
          base +
            route.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
              encodeURIComponent(String((path as Record<string, string>)[name])),
            ),
        );
        for (const [k, v] of Object.entries(query as Record<string, string>)) url.searchParams.set(k, v);
        if (extraQuery) url.searchParams.set(extraQuery[0], extraQuery[1]);
        const headers: Record<string, string> = { ...auth };
        if (b) headers['content-type'] = b.type;
        const res = await fetch(url, { method: route.method, headers, body: b?.text });
        const text = await res.text();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (res.status >= 500)
          throw new Error(`${route.method} ${url.pathname}${url.search} ${b?.text ?? ''} → ${res.status} ${text}`);
        if (res.status === 400) {
          const err = JSON.parse(text) as { field?: unknown; message?: unknown };
          if (typeof err.field !== 'string' || err.field === '' || typeof err.message !== 'string') {
            throw new Error(
              `400 without a field: ${route.method} ${url.pathname}${url.search} ${b?.text ?? ''} → ${text}`,
            );
          }
        }
      }),
      { numRuns: RUNS, seed: 20261206 },
    );
    // The generator reached both sides: plenty of successes and plenty of rejections.
    expect(seen.get(200) ?? 0).toBeGreaterThan(RUNS / 20);
    expect(seen.get(400) ?? 0).toBeGreaterThan(RUNS / 5);
  });
});
