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
import { freePort, getJson, removeDir, startDemoExporter, TOKEN, type Exporter } from './exporter';
import { routeRequest } from './grafana-fakes';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..');
const REPO = path.resolve(ROOT, '..');
const IMAGES = path.join(REPO, 'docs/images');
const CHROMIUM = '/usr/bin/chromium';
const PROXY_PREFIX = '/api/datasources/proxy/uid/cursor-usage/';

/** CRC-32 of a PNG chunk's type and data. */
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) {
      c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
  }
  return ~c >>> 0;
}

/** The PNG with a tEXt chunk `panels` (after IHDR) recording what the picture shows. */
function withSignature(png: Buffer, signature: string): Buffer {
  const body = Buffer.concat([Buffer.from('tEXtpanels\0', 'latin1'), Buffer.from(signature, 'latin1')]);
  const chunk = Buffer.alloc(body.length + 8);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body), chunk.length - 4);
  const ihdrEnd = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

function signatureOf(png: Buffer): string | undefined {
  for (let i = 8; i < png.length;) {
    const length = png.readUInt32BE(i);
    if (png.toString('latin1', i + 4, i + 8) === 'tEXt') {
      const text = png.toString('latin1', i + 8, i + 8 + length);
      if (text.startsWith('panels\0')) {
        return text.slice('panels\0'.length);
      }
    }
    i += 12 + length;
  }
  return undefined;
}

/**
 * Writes the picture when what it shows changed: its size, or the panels' titles, series, columns
 * and row counts (kept in the PNG). The demo data moves with the calendar, so pixels alone would
 * rewrite it every day; UPDATE_SCREENSHOTS=1 rewrites it anyway.
 */
function saveScreenshot(file: string, png: Buffer, signature: string): void {
  if (fs.existsSync(file) && process.env.UPDATE_SCREENSHOTS !== '1') {
    const old = fs.readFileSync(file);
    const sameSize = old.readUInt32BE(16) === png.readUInt32BE(16) && old.readUInt32BE(20) === png.readUInt32BE(20);
    if (sameSize && signatureOf(old) === signature) {
      return;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, withSignature(png, signature));
}

const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') {
  throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium): the browser test must run in CI`);
}
const browserDescribe = hasChromium ? describe : describe.skip;

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
  const HARNESS = path.join(ROOT, 'harness');
  const ICONS = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist/public/img/icons');
  const TYPES: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.svg': 'image/svg+xml',
    '.json': 'application/json',
  };
  let exporter: Exporter;
  let dist: string;
  let server: http.Server;
  let base: string;
  let browser: any;
  let profile: string;
  /** Headers of every request the page sent to the data proxy. */
  const proxied: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];

  function file(urlPath: string): string | undefined {
    const p = decodeURIComponent(urlPath.split('?')[0]);
    const map: Array<[string, string]> = [
      ['/plugin/', dist],
      ['/dashboards/', path.join(REPO, 'dashboards/generated')],
      ['/public/build/img/icons/', ICONS],
      ['/', path.join(HARNESS, 'dist')],
    ];
    if (p === '/' || p === '/panels.html') {
      return path.join(HARNESS, 'panels.html');
    }
    for (const [prefix, dir] of map) {
      if (p.startsWith(prefix)) {
        const full = path.join(dir, p.slice(prefix.length));
        return full.startsWith(dir) && fs.existsSync(full) && fs.statSync(full).isFile() ? full : undefined;
      }
    }
    return undefined;
  }

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
    server = http.createServer((req, res) => {
      if (req.url!.startsWith(PROXY_PREFIX)) {
        proxy(req, res);
        return;
      }
      const f = file(req.url ?? '/');
      if (!f) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(f)] ?? 'application/octet-stream' });
      fs.createReadStream(f).pipe(res);
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    base = `http://127.0.0.1:${port}`;
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'panels-chromium-'));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 1000 },
      deviceScaleFactor: 1,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await exporter?.stop();
    removeDir(exporter?.dir);
    removeDir(dist);
    removeDir(profile);
  });

  /** Opens the page, waits until every panel has answered, and reads what each one shows. */
  async function render(query: string): Promise<{ page: any; panels: PanelSeen[]; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    // Nothing but this page's own server.
    await page.route('**/*', (route: { request(): { url(): string }; continue(): void; abort(): void }) =>
      route.request().url().startsWith(base) || route.request().url().startsWith('data:')
        ? route.continue()
        : route.abort()
    );
    await page.goto(`${base}/panels.html?${query}`);
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
    saveScreenshot(
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
    saveScreenshot(
      path.join(IMAGES, 'user-drilldown-panels.png'),
      await page.locator('#dashboard').screenshot(),
      signature(panels)
    );
    await page.close();
  });
});
