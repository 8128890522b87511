/**
 * @jest-environment node
 */
/**
 * What a user sees: the BUILT plugin's DataSource runs the targets of panels of the shipped
 * dashboards (overview, user drilldown with its incident annotations) against the real demo
 * exporter, and harness/panels.tsx renders the frames with @grafana/ui (TimeSeries, Table,
 * BigValue in PanelChrome, dark theme) in headless Chromium. The page reaches the exporter only
 * through a loopback data proxy that does what Grafana's does with plugin.json's route (the token
 * is added server-side). Saves docs/images/{overview,user-drilldown}-panels.png: the panels' data
 * rendered outside Grafana, not Grafana screenshots.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { browserDescribe, launchChromium, openPage, serveHarness, type Chromium, type HarnessServer } from './browser';
import { getJson, removeDir, startDemoExporter, TOKEN, type Exporter } from './exporter';
import { PROXY_URL, routeRequest } from './grafana-fakes';
import { saveSignedScreenshot } from './screenshots';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..');
const REPO = path.resolve(ROOT, '..');
const IMAGES = path.join(REPO, 'docs/images');
const PROXY_PREFIX = `${PROXY_URL}/`;

interface PanelSeen {
  title: string;
  state: string;
  error: string | null;
  series: number;
  rows: number;
  annotations: number;
  legend: string[];
  headers: string[];
  renderedRows: number;
  stats: number;
  canvases: number;
}

browserDescribe('dashboard panels over the demo exporter, rendered with @grafana/ui in headless Chromium', () => {
  let exporter: Exporter;
  let dist: string;
  let server: HarnessServer;
  let browser: Chromium;
  /** Headers of every request the page sent to the data proxy. */
  const proxied: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];

  /** Grafana's data proxy for this datasource: plugin.json's route, the token from secureJsonData added here, never in the page. */
  function proxy(req: http.IncomingMessage, res: http.ServerResponse): void {
    proxied.push({ url: req.url!, headers: req.headers });
    let target: { target: string; headers: Record<string, string> };
    try {
      target = routeRequest(req.url!, { jsonData: { url: exporter.url }, secureJsonData: { apiToken: TOKEN } });
    } catch {
      res.writeHead(404).end();
      return;
    }
    http
      .get(target.target, { headers: { ...target.headers, Accept: 'application/json' } }, (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, {
          'Content-Type': upstream.headers['content-type'] ?? 'application/json',
        });
        upstream.pipe(res);
      })
      .on('error', () => res.writeHead(502).end());
  }

  beforeAll(async () => {
    // The plugin built with its own webpack config into a temporary dist (the build test owns dist/).
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-dist-'));
    const webpack = (args: string[]) =>
      execFileSync('npm', ['exec', '--', 'webpack', ...args], { cwd: ROOT, stdio: 'pipe' });
    webpack(['-c', './.config/webpack/webpack.config.ts', '--env', 'production', '--output-path', dist]);
    webpack(['-c', 'harness/webpack.config.js', '--env', 'page=panels']);
    exporter = await startDemoExporter();
    server = await serveHarness({
      bundle: 'panels.js',
      plugin: dist,
      dirs: { '/dashboards/': path.join(REPO, 'dashboards/generated') },
      handle: (req, res) => {
        if (!req.url!.startsWith(PROXY_PREFIX)) {
          return false;
        }
        proxy(req, res);
        return true;
      },
    });
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await exporter?.stop();
    removeDir(exporter?.dir);
    removeDir(dist);
  });

  /** Opens the page, waits until every panel has answered, and reads what each one shows. */
  async function render(query: string): Promise<{ page: any; panels: PanelSeen[]; errors: string[] }> {
    const { page, errors } = await openPage(browser.context, server.base);
    await page.goto(`${server.base}/?${query}`);
    await page.waitForSelector('#dashboard [data-panel]');
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-panel]')].every((p) => p.getAttribute('data-state') !== 'loading'),
      null,
      { timeout: 120_000 }
    );
    // uPlot draws on the next frame after mounting; let it, and the legends, settle.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const panels: PanelSeen[] = await page.evaluate(() =>
      [...document.querySelectorAll('[data-panel]')].map((p) => ({
        title: p.getAttribute('data-panel')!,
        state: p.getAttribute('data-state')!,
        error: p.getAttribute('data-error'),
        series: Number(p.getAttribute('data-series')),
        rows: Number(p.getAttribute('data-rows')),
        annotations: Number(p.getAttribute('data-annotations')),
        legend: [...p.querySelectorAll('[data-testid^="data-testid VizLegend series "]')].map((x) =>
          x.textContent!.trim()
        ),
        headers: [...p.querySelectorAll('[role="columnheader"]')].map((x) => x.textContent!.trim()),
        renderedRows: [...p.querySelectorAll('[role="table"] [role="row"]')].filter((r) =>
          r.querySelector('[role="cell"]')
        ).length,
        stats: p.querySelectorAll('[data-stat]').length,
        canvases: p.querySelectorAll('canvas').length,
      }))
    );
    return { page, panels, errors };
  }

  const signature = (panels: PanelSeen[]) =>
    JSON.stringify(
      panels.map((p) => ({ title: p.title, legend: p.legend, headers: p.headers, rows: p.rows, stats: p.stats }))
    );

  /** The page's requests reached the proxy without credentials, and the token is nowhere in the page. */
  function expectNoTokenInBrowser(html: string): void {
    expect(proxied.length).toBeGreaterThan(0);
    expect(proxied.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
    expect(html).not.toContain(TOKEN);
  }

  test('overview: daily spend, top spenders, spend by member and by model, members; screenshot', async () => {
    const { page, panels, errors } = await render('dashboard=cursor-overview');
    expect(errors).toEqual([]);
    const by = Object.fromEntries(panels.map((p) => [p.title, p]));
    expect(Object.keys(by)).toEqual([
      'Daily spend',
      'Top spenders',
      'Daily spend by member',
      'Daily spend by model',
      'Members',
    ]);
    expect(panels.filter((p) => p.state !== 'done')).toEqual([]);

    // time series: one legend entry per series the query returned, and a plot drawn
    expect(by['Daily spend'].legend).toEqual(['spend', '$/request']);
    for (const title of ['Daily spend by member', 'Daily spend by model']) {
      expect(by[title].series).toBeGreaterThan(1);
      expect(by[title].legend).toHaveLength(by[title].series);
      expect(by[title].canvases).toBeGreaterThan(0);
    }
    // the exporter's top members and "other", as its /series answers over the same 30 days
    const to = Date.now();
    const from = to - 30 * 86_400_000;
    const series = await getJson<{ columns: Array<{ name: string }> }>(
      `${exporter.url}/api/v1/series?metric=spend&by=user&interval=1d&limit=6&from=${from}&to=${to}`
    );
    expect(by['Daily spend by member'].legend).toEqual(series.columns.slice(1).map((c) => c.name));
    const top = await getJson<{ rows: unknown[] }>(
      `${exporter.url}/api/v1/tables/top-spenders?limit=15&from=${from}&to=${to}`
    );

    // tables: the exporter's rows, rows on screen, the dashboard's hidden columns hidden
    expect(by['Top spenders'].rows).toBe(top.rows.length);
    expect(by['Top spenders'].renderedRows).toBeGreaterThan(0);
    expect(by['Top spenders'].headers).toEqual(expect.arrayContaining(['rank', 'name', 'spend']));
    expect(by['Top spenders'].headers).not.toContain('email');
    const members = await getJson<{ rows: unknown[] }>(
      `${exporter.url}/api/v1/tables/members?sort=spend&order=desc&limit=500&from=${from}&to=${to}`
    );
    expect(by.Members.rows).toBe(members.rows.length);
    expect(by.Members.rows).toBeGreaterThan(10);
    expect(by.Members.renderedRows).toBeGreaterThan(0);

    expectNoTokenInBrowser(await page.content());
    saveSignedScreenshot(
      path.join(IMAGES, 'overview-panels.png'),
      await page.locator('#dashboard').screenshot(),
      signature(panels)
    );
    await page.close();
  });

  test('user drilldown: a member with an incident, its annotations on the time series, profile, model costs, anomalies; screenshot', async () => {
    const to = Date.now();
    const from = to - 30 * 86_400_000;
    const incidents = await getJson<{ rows: Array<{ email: string | null; detector: string }> }>(
      `${exporter.url}/api/v1/incidents?limit=100&from=${from}&to=${to}`
    );
    const person = incidents.rows.filter((r) => r.email);
    // the drift detector's member: their cost per request is the story the panels tell
    const user = (person.find((r) => r.detector === 'drift') ?? person[0])?.email;
    expect(user).toBeTruthy();
    const { page, panels, errors } = await render(`dashboard=cursor-user&user=${encodeURIComponent(user!)}`);
    expect(errors).toEqual([]);
    const by = Object.fromEntries(panels.map((p) => [p.title, p]));
    expect(Object.keys(by)).toEqual([
      'Member profile',
      'Daily spend by model',
      'Cost per request vs the team',
      'Cost breakdown by model',
      'Daily tokens by model',
      'Anomaly history',
    ]);
    expect(panels.filter((p) => p.state !== 'done')).toEqual([]);

    expect(by['Member profile'].stats).toBe(6);
    expect(by['Cost per request vs the team'].legend).toEqual([user, 'team']);
    for (const title of ['Daily spend by model', 'Daily tokens by model']) {
      expect(by[title].series).toBeGreaterThan(0);
      expect(by[title].legend).toHaveLength(by[title].series);
    }
    // the dashboard's annotation query (this user's incidents) through the plugin's annotation support
    const own = person.filter((r) => r.email === user).length;
    expect(by['Daily spend by model'].annotations).toBe(own);
    expect(own).toBeGreaterThan(0);

    const models = await getJson<{ rows: unknown[] }>(
      `${exporter.url}/api/v1/users/${encodeURIComponent(user!)}/models?from=${from}&to=${to}`
    );
    expect(by['Cost breakdown by model'].rows).toBe(models.rows.length);
    expect(by['Cost breakdown by model'].renderedRows).toBeGreaterThan(0);
    expect(by['Anomaly history'].rows).toBeGreaterThan(0);
    expect(by['Anomaly history'].renderedRows).toBe(by['Anomaly history'].rows);

    expectNoTokenInBrowser(await page.content());
    saveSignedScreenshot(
      path.join(IMAGES, 'user-drilldown-panels.png'),
      await page.locator('#dashboard').screenshot(),
      signature(panels)
    );
    await page.close();
  });
});
