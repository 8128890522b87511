/**
 * A page that shows what a user of the plugin sees on a dashboard, outside Grafana: it loads the
 * BUILT plugin (dist/module.js), instantiates its DataSource, runs the targets of chosen panels of a
 * shipped dashboard (dashboards/generated/<uid>.json, fetched as served) and renders the frames with
 * @grafana/ui's TimeSeries, Table and BigValue in PanelChrome, dark theme. Requests go to
 * /api/datasources/proxy/uid/cursor-usage/..., where the test's server does what Grafana's data proxy
 * does (plugin.json's route, token added server-side). `?dashboard=<uid>&user=<email>`.
 *
 * Each panel's element carries data-state (loading|done|error), data-series / data-rows (what the
 * query returned) for the test, which also counts what is on screen.
 */
import {
  applyFieldOverrides,
  createTheme,
  dateTime,
  fieldMatchers,
  FieldType,
  getFieldDisplayName,
  makeTimeRange,
  ThemeContext,
  type AnnotationEvent,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type FieldConfig,
  type FieldConfigSource,
} from '@grafana/data';
import {
  setBackendSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type FetchResponse,
  type TemplateSrv,
} from '@grafana/runtime';
import {
  BigValue,
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  GlobalStyles,
  PanelChrome,
  Table,
  TimeSeries,
  type UPlotConfigBuilder,
} from '@grafana/ui';
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { isObservable, lastValueFrom, Observable } from 'rxjs';
import { DATASOURCE } from './datasource';
import { loadPlugin, type AnyPlugin } from './load-plugin';

const theme = createTheme({ colors: { mode: 'dark' } });
const params = new URLSearchParams(location.search);
const DASHBOARD = params.get('dashboard') ?? 'cursor-overview';
const USER = params.get('user') ?? '';
const RANGE = makeTimeRange(dateTime(Date.now() - 30 * 86_400_000), dateTime(Date.now()));
const GAP = 8;
const WIDTH = 1400;

/** Which panels of each dashboard, in rows of [title, width in 24ths] (Grafana's grid), and each row's height. */
const LAYOUTS: Record<string, { title: string; rows: Array<{ height: number; panels: Array<[string, number]> }> }> = {
  'cursor-overview': {
    title: 'Cursor overview',
    rows: [
      {
        height: 300,
        panels: [
          ['Daily spend', 15],
          ['Top spenders', 9],
        ],
      },
      {
        height: 270,
        panels: [
          ['Daily spend by member', 12],
          ['Daily spend by model', 12],
        ],
      },
      { height: 280, panels: [['Members', 24]] },
    ],
  },
  'cursor-user': {
    title: 'Cursor user',
    rows: [
      { height: 120, panels: [['Member profile', 24]] },
      {
        height: 300,
        panels: [
          ['Daily spend by model', 12],
          ['Cost per request vs the team', 12],
        ],
      },
      {
        height: 260,
        panels: [
          ['Cost breakdown by model', 12],
          ['Daily tokens by model', 12],
        ],
      },
      { height: 120, panels: [['Anomaly history', 24]] },
    ],
  },
};

interface Target {
  refId: string;
  datasource?: { type?: string; uid?: string };
  [key: string]: unknown;
}
interface Panel {
  title: string;
  type: string;
  targets: Target[];
  fieldConfig: FieldConfigSource;
  options: Record<string, any>;
}
interface Dashboard {
  title: string;
  panels: Panel[];
  annotations?: { list?: Array<{ name: string; target: Target; datasource?: { type?: string } }> };
}

/** The dashboard's variables: every filter set to All, except `user` on the user drilldown. */
const VARIABLES: Record<string, string> = {
  group: '$__all',
  model: '$__all',
  badge: '$__all',
  detector: '$__all',
  user: USER || '$__all',
};

/** What Grafana's TemplateSrv does for single-value variables: `$var`/`${var}`, format functions get the value and the variable. */
const templateSrv = {
  getVariables: () =>
    Object.entries(VARIABLES).map(([name, value]) => ({
      name,
      type: 'query',
      current: { value, text: value },
      options: [],
    })),
  containsTemplate: (t?: string) => Boolean(t && /\$\w+|\$\{\w+/.test(t)),
  updateTimeRange: () => undefined,
  replace(target?: string, _scoped?: unknown, format?: unknown): string {
    return (target ?? '').replace(/\$(\w+)|\$\{(\w+)(?::\w+)?\}/g, (match, a?: string, b?: string) => {
      const name = (a ?? b)!;
      if (!(name in VARIABLES)) {
        return match;
      }
      const value = VARIABLES[name];
      return typeof format === 'function' ? format(value, { name, current: { value } }) : value;
    });
  },
} as unknown as TemplateSrv;

/** backendSrv.fetch over the page's own origin; the data proxy there adds the token, so the page never has it. */
const backendSrv = {
  fetch: <T,>(o: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const qs = new URLSearchParams(Object.entries(o.params ?? {}).map(([k, v]) => [k, String(v)])).toString();
      fetch(qs ? `${o.url}?${qs}` : o.url, { method: o.method ?? 'GET' }).then(
        async (r) => {
          const text = await r.text();
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {}
          if (r.ok) {
            subscriber.next({
              data: data as T,
              status: r.status,
              statusText: r.statusText,
              ok: true,
              headers: r.headers,
              redirected: r.redirected,
              type: r.type,
              url: r.url,
              config: o,
            });
            subscriber.complete();
          } else {
            subscriber.error({ status: r.status, statusText: r.statusText, data, config: o });
          }
        },
        (e) => subscriber.error({ status: 502, statusText: String(e), data: '', config: o })
      );
    }),
} as unknown as BackendSrv;

setTemplateSrv(templateSrv);
setBackendSrv(backendSrv);

/** Grafana's panel defaults that the dashboards leave out (the time series panel's and the standard thresholds). */
const DEFAULTS: Record<string, FieldConfig> = {
  timeseries: {
    color: { mode: 'palette-classic' } as FieldConfig['color'],
    custom: {
      drawStyle: 'line',
      lineInterpolation: 'linear',
      lineWidth: 1,
      fillOpacity: 0,
      gradientMode: 'none',
      showPoints: 'never',
      pointSize: 5,
      spanNulls: false,
      axisPlacement: 'auto',
      axisLabel: '',
      axisBorderShow: false,
      axisCenteredZero: false,
      axisColorMode: 'text',
      barAlignment: 0,
      barWidthFactor: 0.6,
      stacking: { mode: 'none', group: 'A' },
      scaleDistribution: { type: 'linear' },
      hideFrom: { legend: false, tooltip: false, viz: false },
      thresholdsStyle: { mode: 'off' },
      insertNulls: false,
    },
  },
  any: {
    thresholds: {
      mode: 'absolute',
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 80, color: 'red' },
      ],
    } as FieldConfig['thresholds'],
  },
};

function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = target;
  for (const k of keys.slice(0, -1)) {
    o = o[k] = { ...(o[k] ?? {}) };
  }
  o[keys[keys.length - 1]] = value;
}

/** The panel's field config on the frames, as Grafana applies it: defaults under the field's own config, overrides on top (links left out: no Grafana to open). */
function withFieldConfig(panel: Panel, frames: DataFrame[]): DataFrame[] {
  const base = { ...DEFAULTS.any, ...(DEFAULTS[panel.type] ?? {}) };
  const defaults = panel.fieldConfig.defaults ?? {};
  const overrides = (panel.fieldConfig.overrides ?? []).map((o) => ({
    match: fieldMatchers.get(o.matcher.id).get(o.matcher.options),
    properties: o.properties,
  }));
  const configured = frames.map((frame) => ({
    ...frame,
    fields: frame.fields.map((field) => {
      const config: Record<string, any> = {
        ...base,
        ...defaults,
        ...field.config,
        custom: { ...base.custom, ...defaults.custom, ...field.config.custom },
      };
      for (const o of overrides.filter((x) => x.match(field, frame, frames))) {
        for (const p of o.properties.filter((x) => x.id !== 'links')) {
          setPath(config, p.id, typeof p.value === 'string' ? templateSrv.replace(p.value) : p.value);
        }
      }
      return { ...field, config };
    }),
  }));
  return applyFieldOverrides({
    data: configured,
    fieldConfig: { defaults: {}, overrides: [] },
    replaceVariables: (s) => templateSrv.replace(s),
    theme,
    timeZone: 'utc',
  });
}

async function runQuery(ds: DataSourceApi, targets: Target[]): Promise<DataFrame[]> {
  const request = {
    targets,
    range: RANGE,
    scopedVars: {},
    timezone: 'utc',
    app: 'dashboard',
    requestId: 'panels',
    interval: '1d',
    intervalMs: 86_400_000,
    startTime: Date.now(),
  };
  const answer = ds.query(request as unknown as DataQueryRequest);
  const res: DataQueryResponse = isObservable(answer) ? await lastValueFrom(answer) : await answer;
  if (res.errors?.length) {
    throw new Error(res.errors.map((e) => `${e.refId}: ${e.message}`).join('; '));
  }
  return res.data as DataFrame[];
}

/** The dashboard's incident annotations through the plugin's own annotation support (prepareQuery → query → processEvents). */
async function runAnnotations(ds: DataSourceApi, dashboard: Dashboard): Promise<AnnotationEvent[]> {
  const annos = (dashboard.annotations?.list ?? []).filter((a) => a.datasource?.type === ds.type);
  const events = await Promise.all(
    annos.map(async (anno) => {
      const support = ds.annotations!;
      const query = support.prepareQuery!(anno as never) as Target;
      const frames = await runQuery(ds, [{ ...query, refId: 'Anno' }]);
      return lastValueFrom(support.processEvents!(anno as never, frames)!);
    })
  );
  return events.flat().filter((e): e is AnnotationEvent => Boolean(e));
}

/** Incidents drawn on the plot the way Grafana shows region annotations: a shaded band with edges, a marker at the onset. */
function Annotations({ config, events }: { config: UPlotConfigBuilder; events: AnnotationEvent[] }) {
  React.useLayoutEffect(() => {
    config.addHook('draw', (u) => {
      const { ctx, bbox } = u;
      ctx.save();
      for (const e of events) {
        const x0 = u.valToPos(e.time!, 'x', true);
        const x1 = e.isRegion && e.timeEnd ? u.valToPos(e.timeEnd, 'x', true) : x0;
        const left = Math.max(bbox.left, x0);
        const right = Math.min(bbox.left + bbox.width, x1);
        if (right < bbox.left || left > bbox.left + bbox.width) {
          continue;
        }
        ctx.fillStyle = 'rgba(242, 73, 92, 0.12)';
        ctx.fillRect(left, bbox.top, Math.max(right - left, 0), bbox.height);
        ctx.strokeStyle = 'rgba(242, 73, 92, 0.9)';
        ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.lineWidth = devicePixelRatio;
        for (const x of x0 === x1 ? [x0] : [x0, x1]) {
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        const s = 5 * devicePixelRatio;
        ctx.setLineDash([]);
        ctx.fillStyle = 'rgb(242, 73, 92)';
        ctx.beginPath();
        ctx.moveTo(x0 - s, bbox.top + bbox.height + s * 1.6);
        ctx.lineTo(x0 + s, bbox.top + bbox.height + s * 1.6);
        ctx.lineTo(x0, bbox.top + bbox.height);
        ctx.fill();
      }
      ctx.restore();
    });
  }, [config, events]);
  return null;
}

function Stat({ panel, frames, width, height }: { panel: Panel; frames: DataFrame[]; width: number; height: number }) {
  const pattern = String(panel.options.reduceOptions?.fields ?? '').match(/^\/(.*)\/$/)?.[1];
  const fields = frames.flatMap((f) =>
    f.fields.filter((x) => x.type === FieldType.number && (!pattern || new RegExp(pattern).test(x.name)))
  );
  const w = Math.floor(width / Math.max(fields.length, 1));
  return (
    <div style={{ display: 'flex' }}>
      {fields.map((field) => {
        // lastNotNull, as the panel's reduceOptions say
        const value = [...field.values].reverse().find((v) => v !== null && v !== undefined);
        return (
          <div key={field.name} data-stat={field.name}>
            <BigValue
              theme={theme}
              width={w}
              height={height}
              value={{ ...field.display!(value), title: getFieldDisplayName(field) }}
              colorMode={(panel.options.colorMode as BigValueColorMode) ?? BigValueColorMode.Value}
              graphMode={BigValueGraphMode.None}
              justifyMode={(panel.options.justifyMode as BigValueJustifyMode) ?? BigValueJustifyMode.Auto}
              textMode={(panel.options.textMode as BigValueTextMode) ?? BigValueTextMode.Auto}
            />
          </div>
        );
      })}
    </div>
  );
}

type Result = { frames: DataFrame[]; annotations: AnnotationEvent[] } | { error: string } | undefined;

function PanelView({
  ds,
  panel,
  width,
  height,
  annotations,
}: {
  ds: DataSourceApi;
  panel: Panel;
  width: number;
  height: number;
  annotations: Promise<AnnotationEvent[]>;
}) {
  const [result, setResult] = React.useState<Result>();
  React.useEffect(() => {
    Promise.all([runQuery(ds, panel.targets), panel.type === 'timeseries' ? annotations : Promise.resolve([])]).then(
      ([frames, events]) => setResult({ frames: withFieldConfig(panel, frames), annotations: events }),
      (e: Error) => setResult({ error: e.message })
    );
  }, [ds, panel, annotations]);
  const frames = result && 'frames' in result ? result.frames : [];
  const numbers = frames.flatMap((f) => f.fields.filter((x) => x.type === FieldType.number));
  const state = !result ? 'loading' : 'error' in result ? 'error' : 'done';
  return (
    <div
      data-panel={panel.title}
      data-state={state}
      data-error={result && 'error' in result ? result.error : undefined}
      data-series={numbers.length}
      data-rows={frames[0]?.length ?? 0}
      data-annotations={result && 'annotations' in result ? result.annotations.length : 0}
    >
      <PanelChrome
        width={width}
        height={height}
        title={panel.title}
        statusMessage={result && 'error' in result ? result.error : undefined}
      >
        {(w, h) => {
          if (state !== 'done') {
            return null;
          }
          if (panel.type === 'timeseries') {
            const events = (result as { annotations: AnnotationEvent[] }).annotations;
            return (
              <TimeSeries
                frames={frames}
                timeRange={RANGE}
                timeZone="utc"
                width={w}
                height={h}
                legend={panel.options.legend}
                options={panel.options}
              >
                {(config) => <Annotations config={config} events={events} />}
              </TimeSeries>
            );
          }
          if (panel.type === 'table') {
            return (
              <Table
                data={frames[panel.options.frameIndex ?? 0]}
                width={w}
                height={h}
                cellHeight={panel.options.cellHeight}
                showTypeIcons={false}
              />
            );
          }
          return <Stat panel={panel} frames={frames} width={w} height={h} />;
        }}
      </PanelChrome>
    </div>
  );
}

function Page({ plugin, dashboard }: { plugin: AnyPlugin; dashboard: Dashboard }) {
  const layout = LAYOUTS[DASHBOARD];
  const ds = React.useMemo(() => {
    const settings = { ...DATASOURCE, jsonData: {}, meta: plugin.meta };
    return new plugin.DataSourceClass(settings as unknown as DataSourceInstanceSettings);
  }, [plugin]);
  const annotations = React.useMemo(() => runAnnotations(ds, dashboard), [ds, dashboard]);
  const unit = (WIDTH - GAP) / 24;
  const muted = { color: theme.colors.text.secondary, fontSize: 13 };
  return (
    <div
      id="dashboard"
      style={{
        width: WIDTH,
        padding: `12px ${GAP}px ${GAP}px 0`,
        boxSizing: 'border-box',
        background: theme.colors.background.canvas,
        color: theme.colors.text.primary,
      }}
    >
      <div style={{ display: 'flex', alignItems: 'baseline', gap: 16, padding: `0 0 10px ${GAP}px` }}>
        <span style={{ fontSize: 18, fontWeight: 500 }}>{layout.title}</span>
        <span style={muted}>last 30 days</span>
        <span style={muted}>
          {DASHBOARD === 'cursor-user' ? `user = ${USER}` : 'group = All · user = All · model = All'}
        </span>
        <span style={{ ...muted, marginLeft: 'auto' }}>
          dashboards/generated/{DASHBOARD}.json · demo exporter · rendered with @grafana/ui outside Grafana
        </span>
      </div>
      {layout.rows.map((row, i) => (
        <div key={i} style={{ display: 'flex', marginBottom: GAP }}>
          {row.panels.map(([title, span]) => {
            const panel = dashboard.panels.find((p) => p.title === title);
            if (!panel) {
              throw new Error(`${DASHBOARD} has no panel "${title}"`);
            }
            return (
              <div key={title} style={{ marginLeft: GAP }}>
                <PanelView
                  ds={ds}
                  panel={panel}
                  width={Math.round(span * unit) - GAP}
                  height={row.height}
                  annotations={annotations}
                />
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
}

Promise.all([loadPlugin(), fetch(`/dashboards/${DASHBOARD}.json`).then((r) => r.json() as Promise<Dashboard>)]).then(
  ([plugin, dashboard]) => {
    document.body.style.background = theme.colors.background.canvas;
    createRoot(document.getElementById('root')!).render(
      <ThemeContext.Provider value={theme}>
        <GlobalStyles />
        <Page plugin={plugin} dashboard={dashboard} />
      </ThemeContext.Provider>
    );
  }
);
