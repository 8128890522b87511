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
import path from 'node:path';
import AdmZip from 'adm-zip';
import { browserDescribe, launchChromium, openPage, serveHarness, type Chromium, type HarnessServer } from './browser';
import { saveScreenshot } from './screenshots';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
// What Grafana provides to plugins at run time (.config/bundler/externals.ts, plus webpack's `module`).
const GRAFANA_EXTERNALS = [
  '@grafana/data',
  '@grafana/runtime',
  '@grafana/ui',
  '@grafana/schema',
  '@emotion/css',
  '@emotion/react',
  'react',
  'react-dom',
  'react/jsx-runtime',
  'rxjs',
  'lodash',
  'moment',
  'module',
];

const npm = (args: string[]) => execFileSync('npm', args, { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });

beforeAll(() => {
  npm(['run', 'build']);
});

const distJson = () => JSON.parse(fs.readFileSync(path.join(DIST, 'plugin.json'), 'utf8'));

describe('dist/ as Grafana validates it', () => {
  test('plugin.json: id, type, a real version and date, the proxy route with the bearer token', () => {
    const p = distJson();
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(p).toMatchObject({
      id: 'cursorusagestack-cursorusage-datasource',
      type: 'datasource',
      annotations: true,
      metrics: true,
    });
    expect(p.info.version).toBe(version);
    expect(p.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(p)).not.toMatch(/%[A-Z_]+%/);
    expect(p.dependencies.grafanaDependency).toBe('>=12.3.0');
    expect(p.routes).toEqual([
      {
        path: 'api',
        url: '{{ .JsonData.url }}/api',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }],
      },
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
    const files = [
      p.info.logos.small,
      p.info.logos.large,
      ...p.info.screenshots.map((s: { path: string }) => s.path),
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      'module.js',
    ];
    expect(p.info.screenshots.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      expect({ f, exists: fs.existsSync(path.join(DIST, f)) && fs.statSync(path.join(DIST, f)).size > 0 }).toEqual({
        f,
        exists: true,
      });
    }
  });

  test('the archive is artifacts/<id>-<version>.zip laid out as <id>/...', () => {
    const p = distJson();
    const zip = new AdmZip(path.join(ROOT, 'artifacts', `${p.id}-${p.info.version}.zip`));
    const names = zip
      .getEntries()
      .filter((e) => !e.isDirectory)
      .map((e) => e.entryName);
    expect(names.every((n) => n.startsWith(`${p.id}/`))).toBe(true);
    expect(names).toEqual(
      expect.arrayContaining([`${p.id}/plugin.json`, `${p.id}/module.js`, `${p.id}/README.md`, `${p.id}/img/logo.svg`])
    );
    expect(JSON.parse(zip.getEntry(`${p.id}/plugin.json`)!.getData().toString('utf8'))).toEqual(p);
  });
});

browserDescribe('the built editors in headless Chromium', () => {
  let server: HarnessServer;
  let browser: Chromium;

  beforeAll(async () => {
    npm(['exec', '--', 'webpack', '-c', 'harness/webpack.config.js']);
    server = await serveHarness({ bundle: 'harness.js', plugin: DIST });
    browser = await launchChromium({ viewport: { width: 920, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  test.each(['dark', 'light'])(
    '%s theme: pick a query type, edit a field, the emitted query follows; screenshot',
    async (theme) => {
      const { page, errors } = await openPage(browser.context, server.base);
      await page.goto(`${server.base}/?theme=${theme}`);
      await page.waitForSelector('#editors');
      const emitted = async () => JSON.parse((await page.textContent('#emitted')) ?? '{}');
      // The page shows the emitted query after React re-renders: give it up to 5 s to reach `expected`,
      // then read it (the assertion shows the difference if it never did).
      const emittedOnceSettled = async (expected: Record<string, unknown>) => {
        const sorted = (o: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
        await page
          .waitForFunction(
            ([want]) => {
              const text = document.getElementById('emitted')?.textContent ?? '{}';
              const got = JSON.parse(text) as Record<string, unknown>;
              return JSON.stringify(Object.fromEntries(Object.entries(got).sort())) === want;
            },
            [sorted(expected)],
            { timeout: 5_000 }
          )
          .catch(() => undefined);
        return emitted();
      };
      expect(await emitted()).toEqual({
        refId: 'A',
        queryType: 'series',
        metric: 'spend',
        by: 'team',
        interval: '1d',
        limit: 10,
      });

      await page.click('#cursor-A-queryType');
      await page.getByText('Top spenders', { exact: true }).click();
      const picked = { refId: 'A', queryType: 'topSpenders', limit: 10 };
      expect(await emittedOnceSettled(picked)).toEqual(picked);

      await page.fill('#cursor-A-limit', '25');
      await page.fill('#cursor-A-user', '$user');
      await page.locator('#cursor-A-user').blur();
      const edited = { refId: 'A', queryType: 'topSpenders', limit: 25, user: '$user' };
      expect(await emittedOnceSettled(edited)).toEqual(edited);
      // only this type's fields are on screen
      expect(await page.locator('#cursor-A-metric').count()).toBe(0);

      const background = await page.evaluate(
        () => getComputedStyle(document.getElementById('editors')!).backgroundColor
      );
      expect(background).toBe(theme === 'dark' ? 'rgb(24, 27, 31)' : 'rgb(255, 255, 255)');
      expect(errors).toEqual([]);
      saveScreenshot(
        path.join(ROOT, 'src/img/screenshots', `query-editor-${theme}.png`),
        await page.locator('#editors').screenshot()
      );
      await page.close();
    }
  );
});
