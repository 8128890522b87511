/**
 * The provisioned dashboards: dashboards/generated/*.json must be exactly what the TypeScript
 * sources in dashboards/src produce (regenerated here and diffed), and follow the contract with the
 * plugin (query types and fields), the README (every metric they query exists) and promtool (every
 * PromQL expression parses).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { apiPlugin } from '../exporter/src/api';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';
import { QUERY_TYPE_NAMES, QUERY_TYPES } from '../grafana-plugin/src/query-types';
import type { QueryType } from '../grafana-plugin/src/types';
import { binaryAvailable, PROMTOOL_BIN } from './helpers/prometheus';

const ROOT = path.join(__dirname, '..');
const GENERATED = path.join(ROOT, 'dashboards', 'generated');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const PLUGIN_ID = 'cursorusagestack-cursorusage-datasource';
const UIDS = ['cursor-anomalies', 'cursor-exporter', 'cursor-insights', 'cursor-overview', 'cursor-user'];

/** The plugin's own query model: query type → the fields a target may set (those its editor knows). */
const QUERY_FIELDS: Record<string, string[]> = Object.fromEntries(
  QUERY_TYPE_NAMES.map((t) => [t, Object.keys(QUERY_TYPES[t].defaults)]),
);
/** A target's variables replaced by sample values, as Grafana would before the plugin builds the request. */
const interpolate = (v: unknown): string =>
  String(v).replace(/\$\{?(\w+)\}?/g, (_, name: string) => SAMPLE_VARS[name] ?? `$${name}`);
/** The route the plugin calls for a target. */
const route = (t: Target): string =>
  QUERY_TYPES[t.queryType as QueryType].path(
    Object.fromEntries(Object.entries(t).map(([k, v]) => [k, interpolate(v)])),
  );
/** What Grafana would put in for each dashboard variable: a valid value of its kind. */
const SAMPLE_VARS: Record<string, string> = {
  user: 'someone@example.com',
  group: 'group_abc',
  model: 'claude-4-sonnet',
  badge: 'power-user',
  status: 'open',
  detector: 'zscore',
  severity: 'warning',
};
/** Query types whose rows are members: their tables must link each row to the drilldown. */
const MEMBER_ROWS = new Set(['members', 'topSpenders', 'userModelCosts', 'incidents', 'planExhaustion', 'forecasts']);
const LEGEND_PANELS = new Set(['timeseries', 'barchart', 'piechart', 'bargauge']);

interface Target {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  queryType?: string;
  expr?: string;
  [k: string]: unknown;
}
interface Panel {
  id?: number;
  type: string;
  title: string;
  description?: string;
  targets?: Target[];
  options?: { legend?: { showLegend?: boolean } };
  fieldConfig?: {
    defaults?: { unit?: string };
    overrides?: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
  };
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list?: { name: string; type: string; datasource?: { uid: string }; query?: unknown }[] };
  annotations?: { list?: { target?: Target; datasource?: { uid: string } }[] };
}

function readDir(dir: string): Map<string, string> {
  return new Map(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

const committed = readDir(GENERATED);
const dashboards: Dashboard[] = [...committed.values()].map((s) => JSON.parse(s) as Dashboard);
const panels = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const everyPanel = dashboards.flatMap((d) => panels(d).map((p) => ({ d, p })));
const everyTarget = everyPanel.flatMap(({ d, p }) => (p.targets ?? []).map((t) => ({ d, p, t })));
const promExprs = everyTarget
  .filter(({ t }) => t.datasource?.uid === 'prometheus')
  .map(({ d, p, t }) => ({ where: `${d.uid} / ${p.title}`, expr: t.expr ?? '' }));

describe('generated dashboards', () => {
  it('are what dashboards/src generates (run `npm run dashboards` after changing the sources)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-'));
    try {
      execFileSync(path.join(BIN, 'tsx'), [path.join(ROOT, 'dashboards', 'src', 'generate.ts'), '--out', out], {
        cwd: ROOT,
        stdio: 'pipe',
      });
      const fresh = readDir(out);
      expect([...fresh.keys()]).toEqual([...committed.keys()]);
      for (const [file, text] of fresh) expect({ file, text }).toEqual({ file, text: committed.get(file) });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('typecheck under their own tsconfig (the SDK needs moduleResolution bundler)', () => {
    const r = spawnSync(path.join(BIN, 'tsc'), ['-p', path.join(ROOT, 'dashboards', 'tsconfig.json')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('are the five contract dashboards', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(UIDS);
    expect([...committed.keys()]).toEqual(UIDS.map((u) => `${u}.json`));
    expect(new Set(dashboards.map((d) => d.title)).size).toBe(UIDS.length);
  });

  it('give every panel a unique id, a description and a unit, and every target a refId and a provisioned datasource', () => {
    for (const d of dashboards) {
      const ids = panels(d).map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id) && id! > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
    for (const { d, p } of everyPanel) {
      const where = `${d.uid} / ${p.title}`;
      expect({ where, description: (p.description ?? '').length > 20 }).toEqual({ where, description: true });
      if (p.type !== 'text' && p.type !== 'row')
        expect({ where, unit: typeof p.fieldConfig?.defaults?.unit }).toEqual({ where, unit: 'string' });
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect({ where, refIds }).toEqual({ where, refIds: refIds.map((_, i) => String.fromCharCode(65 + i)) });
      for (const t of p.targets ?? []) {
        expect([
          { type: PLUGIN_ID, uid: 'cursor-usage' },
          { type: 'prometheus', uid: 'prometheus' },
        ]).toContainEqual(t.datasource);
      }
    }
  });

  it('show the legend on every chart with series', () => {
    const charts = everyPanel.filter(({ p }) => LEGEND_PANELS.has(p.type));
    expect(charts.length).toBeGreaterThan(10);
    for (const { d, p } of charts)
      expect({ where: `${d.uid} / ${p.title}`, legend: p.options?.legend?.showLegend }).toEqual({
        where: `${d.uid} / ${p.title}`,
        legend: true,
      });
  });

  it('query the plugin only with contract query types and fields, never a stored time range', () => {
    const annotationTargets = dashboards.flatMap((d) =>
      (d.annotations?.list ?? []).flatMap((a) => (a.target ? [a.target] : [])),
    );
    const pluginTargets = [...everyTarget.map(({ t }) => t), ...annotationTargets].filter(
      (t) => t.datasource?.uid === 'cursor-usage',
    );
    expect(new Set(pluginTargets.map((t) => t.queryType)).size).toBeGreaterThanOrEqual(12);
    for (const t of pluginTargets) {
      const allowed = QUERY_FIELDS[t.queryType ?? ''];
      expect({ queryType: t.queryType, known: allowed !== undefined }).toEqual({ queryType: t.queryType, known: true });
      const extra = Object.keys(t).filter((k) => !['refId', 'datasource', 'queryType', ...allowed].includes(k));
      expect({ queryType: t.queryType, extra }).toEqual({ queryType: t.queryType, extra: [] });
    }
    for (const d of dashboards)
      for (const a of d.annotations?.list ?? []) expect(a.target?.queryType).toBe('incidents');
  });

  it('send the exporter only requests its routes accept (enums, limits, intervals), as the plugin would', async () => {
    const db = openDb(':memory:');
    const app = Fastify();
    await app.register(apiPlugin, { prefix: '/api/v1', store: new Store(db), auth: { mode: 'off' } });
    try {
      const pluginTargets = everyTarget.filter(({ t }) => t.datasource?.uid === 'cursor-usage');
      for (const { d, p, t } of pluginTargets) {
        const where = `${d.uid} / ${p.title} (${t.queryType})`;
        const query = new URLSearchParams({ from: '1764000000000', to: '1766000000000' });
        for (const [k, v] of Object.entries(t)) {
          if (['refId', 'datasource', 'queryType', 'view', 'email'].includes(k)) continue;
          query.set(k, interpolate(v));
        }
        if (t.queryType === 'user') expect(t.email).toBe('$user');
        const res = await app.inject({ url: `/api/v1${route(t)}?${query}` });
        // An empty store answers 404 for the sample member or group: the request itself was valid.
        expect({
          where,
          status: res.statusCode === 404 ? 200 : res.statusCode,
          body: res.statusCode < 300 || res.statusCode === 404 ? '' : res.body,
        }).toEqual({ where, status: 200, body: '' });
      }
    } finally {
      await app.close();
      db.close();
    }
  });

  it('use the contract variables: plugin kinds users/groups/models/detectors, and the drilldown has a `user` variable', () => {
    for (const d of dashboards) {
      for (const v of d.templating?.list ?? []) {
        if (v.type !== 'query') continue;
        expect(v.datasource?.uid).toBe('cursor-usage');
        expect(['users', 'groups', 'models', 'detectors']).toContain((v.query as { kind: string }).kind);
      }
    }
    const drilldown = dashboards.find((d) => d.uid === 'cursor-user')!;
    expect(drilldown.templating?.list?.map((v) => v.name)).toContain('user');
  });

  it('link every member table row to the user drilldown, and link only to dashboards that exist', () => {
    // On the drilldown itself every row is already that member.
    const memberTables = everyPanel.filter(
      ({ d, p }) =>
        d.uid !== 'cursor-user' &&
        p.type === 'table' &&
        (p.targets ?? []).some((t) => MEMBER_ROWS.has(t.queryType ?? '')),
    );
    expect(memberTables.length).toBeGreaterThanOrEqual(5);
    for (const { d, p } of memberTables) {
      const links = (p.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.filter((x) => x.id === 'links'));
      expect({
        where: `${d.uid} / ${p.title}`,
        drilldown: JSON.stringify(links).includes('/d/cursor-user/cursor-user?var-user='),
      }).toEqual({ where: `${d.uid} / ${p.title}`, drilldown: true });
    }
    const linked = [...committed.values()].join('\n').match(/\/d\/[a-z-]+\//g) ?? [];
    expect(linked.length).toBeGreaterThan(5);
    for (const l of new Set(linked)) expect(UIDS).toContain(l.split('/')[2]);
  });

  it('query only metrics the README documents', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const documented = new Set([...readme.matchAll(/^\| `(cursor_[a-z0-9_]+)` \|/gm)].map((m) => m[1]));
    expect(documented.size).toBeGreaterThan(50);
    const used = new Set(promExprs.flatMap(({ expr }) => expr.match(/\bcursor_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((m) => !documented.has(m))).toEqual([]);
  });

  const promtool = binaryAvailable(PROMTOOL_BIN);
  (promtool ? it : it.skip)('have PromQL that promtool parses (each expression as a recording rule)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboards-promql-'));
    try {
      // Template variables take a sample value, as Grafana would substitute them.
      const rules = promExprs.map(({ expr }, i) => ({
        record: `dashboard:expr_${i}`,
        expr: expr.replace(/\$\{?user\}?/g, 'someone@example.com'),
      }));
      const file = path.join(dir, 'rules.yml');
      fs.writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
      const r = spawnSync(PROMTOOL_BIN, ['check', 'rules', file], { encoding: 'utf8' });
      expect({ code: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
      expect(r.stdout).toContain(`${rules.length} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
