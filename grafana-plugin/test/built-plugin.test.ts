/**
 * @jest-environment node
 */
/**
 * The built plugin: `npm run build` (webpack + the zip), then
 * - the checks Grafana's plugin validator makes that matter here (it downloads its binary from a code
 *   host we cannot reach): dist/plugin.json, module.js as an AMD module naming only Grafana's
 *   externals, logos and screenshots present, the archive laid out as <id>/...;
 * - the BUILT module.js loaded by a harness page in headless Chromium with Grafana's theme: pick a
 *   query type, edit a field, check the emitted query, and save the editors' screenshots (dark and
 *   light) that plugin.json and the README show. They are the plugin's editors rendered outside
 *   Grafana, not Grafana screenshots.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import AdmZip from 'adm-zip';
import { freePort } from './exporter';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const CHROMIUM = '/usr/bin/chromium';
// What Grafana provides to plugins at run time (.config/bundler/externals.ts, plus webpack's `module`).
const GRAFANA_EXTERNALS = ['@grafana/data', '@grafana/runtime', '@grafana/ui', '@grafana/schema', '@emotion/css', '@emotion/react', 'react', 'react-dom', 'react/jsx-runtime', 'rxjs', 'lodash', 'moment', 'module'];

/** A PNG's inflated image data (IDAT chunks), to compare two renderings byte for byte. */
function pngData(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 8; i < png.length; ) {
    const length = png.readUInt32BE(i);
    if (png.toString('latin1', i + 4, i + 8) === 'IDAT') {
      parts.push(png.subarray(i + 8, i + 8 + length));
    }
    i += 12 + length;
  }
  return zlib.inflateSync(Buffer.concat(parts));
}

/** Writes a screenshot unless the committed one differs only by antialiasing noise (< 0.1% of its bytes), so a test run leaves git clean. */
function saveScreenshot(file: string, png: Buffer): void {
  if (fs.existsSync(file)) {
    const [a, b] = [pngData(fs.readFileSync(file)), pngData(png)];
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      diff += a[i] === b[i] ? 0 : 1;
    }
    if (a.length === b.length && diff < a.length / 1000) {
      return;
    }
  }
  fs.writeFileSync(file, png);
}

const npm = (args: string[]) => execFileSync('npm', args, { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });

beforeAll(() => {
  npm(['run', 'build']);
});

const distJson = () => JSON.parse(fs.readFileSync(path.join(DIST, 'plugin.json'), 'utf8'));

describe('dist/ as Grafana validates it', () => {
  test('plugin.json: id, type, a real version and date, the proxy route with the bearer token', () => {
    const p = distJson();
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(p).toMatchObject({ id: 'cursorusagestack-cursorusage-datasource', type: 'datasource', annotations: true, metrics: true });
    expect(p.info.version).toBe(version);
    expect(p.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(p)).not.toMatch(/%[A-Z_]+%/);
    expect(p.dependencies.grafanaDependency).toBe('>=12.3.0');
    expect(p.routes).toEqual([
      { path: 'api', url: '{{ .JsonData.url }}/api', headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }] },
    ]);
  });

  test('module.js is an AMD module that names only Grafana externals', () => {
    const js = fs.readFileSync(path.join(DIST, 'module.js'), 'utf8');
    const m = js.match(/define\(\[([^\]]*)\]/);
    expect(m).not.toBeNull();
    const deps = JSON.parse(`[${m![1]}]`) as string[];
    expect(deps.length).toBeGreaterThan(0);
    expect(deps.filter((d) => !GRAFANA_EXTERNALS.includes(d))).toEqual([]);
    // no copy of a Grafana package inside the bundle, and no secret
    expect(js).not.toContain('apiToken":"');
  });

  test('logos, screenshots, README, CHANGELOG and LICENSE are in dist', () => {
    const p = distJson();
    const files = [p.info.logos.small, p.info.logos.large, ...p.info.screenshots.map((s: { path: string }) => s.path), 'README.md', 'CHANGELOG.md', 'LICENSE', 'module.js'];
    expect(p.info.screenshots.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      expect({ f, exists: fs.existsSync(path.join(DIST, f)) && fs.statSync(path.join(DIST, f)).size > 0 }).toEqual({ f, exists: true });
    }
  });

  test('the archive is artifacts/<id>-<version>.zip laid out as <id>/...', () => {
    const p = distJson();
    const zip = new AdmZip(path.join(ROOT, 'artifacts', `${p.id}-${p.info.version}.zip`));
    const names = zip.getEntries().filter((e) => !e.isDirectory).map((e) => e.entryName);
    expect(names.every((n) => n.startsWith(`${p.id}/`))).toBe(true);
    expect(names).toEqual(expect.arrayContaining([`${p.id}/plugin.json`, `${p.id}/module.js`, `${p.id}/README.md`, `${p.id}/img/logo.svg`]));
    expect(JSON.parse(zip.getEntry(`${p.id}/plugin.json`)!.getData().toString('utf8'))).toEqual(p);
  });
});

const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') {
  throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium): the browser test must run in CI`);
}
const browserDescribe = hasChromium ? describe : describe.skip;

browserDescribe('the built editors in headless Chromium', () => {
  const HARNESS = path.join(ROOT, 'harness');
  const ICONS = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist/public/img/icons');
  const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.ttf': 'font/ttf' };
  let server: http.Server;
  let base: string;
  let browser: any;
  let profile: string;

  /** The page's files: the harness, the built plugin under /plugin/, @grafana/ui's icons where Grafana serves them. */
  function file(urlPath: string): string | undefined {
    const p = decodeURIComponent(urlPath.split('?')[0]);
    const map: Array<[string, string]> = [
      ['/plugin/', DIST],
      ['/public/build/img/icons/', ICONS],
      ['/', path.join(HARNESS, 'dist')],
    ];
    if (p === '/') {
      return path.join(HARNESS, 'index.html');
    }
    for (const [prefix, dir] of map) {
      if (p.startsWith(prefix)) {
        const full = path.join(dir, p.slice(prefix.length));
        return full.startsWith(dir) && fs.existsSync(full) && fs.statSync(full).isFile() ? full : undefined;
      }
    }
    return undefined;
  }

  beforeAll(async () => {
    npm(['exec', '--', 'webpack', '-c', 'harness/webpack.config.js']);
    server = http.createServer((req, res) => {
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
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-chromium-'));
    const { chromium } = await import('playwright-core');
    // a fresh profile (user data dir) per run
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 920, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (profile) {
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });

  test.each(['dark', 'light'])('%s theme: pick a query type, edit a field, the emitted query follows; screenshot', async (theme) => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e: Error) => errors.push(e.message));
    // Nothing but this page's own server: a Grafana package must not phone home from the harness.
    await page.route('**/*', (route: { request(): { url(): string }; continue(): void; abort(): void }) =>
      route.request().url().startsWith(base) || route.request().url().startsWith('data:') ? route.continue() : route.abort()
    );
    await page.goto(`${base}/?theme=${theme}`);
    await page.waitForSelector('#editors');
    const emitted = async () => JSON.parse((await page.textContent('#emitted')) ?? '{}');
    expect(await emitted()).toEqual({ refId: 'A', queryType: 'series', metric: 'spend', by: 'team', interval: '1d', limit: 10 });

    await page.click('#cursor-A-queryType');
    await page.getByText('Top spenders', { exact: true }).click();
    expect(await emitted()).toEqual({ refId: 'A', queryType: 'topSpenders', limit: 10 });

    await page.fill('#cursor-A-limit', '25');
    await page.fill('#cursor-A-user', '$user');
    await page.locator('#cursor-A-user').blur();
    expect(await emitted()).toEqual({ refId: 'A', queryType: 'topSpenders', limit: 25, user: '$user' });
    // only this type's fields are on screen
    expect(await page.locator('#cursor-A-metric').count()).toBe(0);

    const background = await page.evaluate(() => getComputedStyle(document.getElementById('editors')!).backgroundColor);
    expect(background).toBe(theme === 'dark' ? 'rgb(24, 27, 31)' : 'rgb(255, 255, 255)');
    expect(errors).toEqual([]);
    saveScreenshot(path.join(ROOT, 'src/img/screenshots', `query-editor-${theme}.png`), await page.locator('#editors').screenshot());
    await page.close();
  });
});
