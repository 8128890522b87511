/**
 * What the browser tests share: a harness page served from loopback with the files where Grafana
 * serves them, and headless Chromium with a fresh profile whose pages reach only that server.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, removeDir } from './exporter';

const CHROMIUM = '/usr/bin/chromium';
const HARNESS = path.resolve(__dirname, '..', 'harness');
const ICONS = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist/public/img/icons');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ttf': 'font/ttf',
};

const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') {
  throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium): the browser test must run in CI`);
}
/** `describe` where Chromium is installed, `describe.skip` elsewhere (never in CI: there a missing Chromium fails). */
export const browserDescribe = hasChromium ? describe : describe.skip;

export interface HarnessOptions {
  /** The harness bundle the page runs (harness/dist/<bundle>, built by harness/webpack.config.js). */
  bundle: string;
  /** The built plugin's directory, served under /plugin/. */
  plugin: string;
  /** More directories by URL prefix. */
  dirs?: Record<string, string>;
  /** Answers a request before the files when it returns true (a data proxy). */
  handle?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface HarnessServer {
  /** http://127.0.0.1:<port> */
  base: string;
  close(): void;
}

/**
 * Serves harness/page.html at / with `bundle` as its script, the plugin under /plugin/, @grafana/ui's
 * icons under /public/build/img/icons/ as Grafana does, and `dirs`; nothing outside those directories.
 */
export async function serveHarness(o: HarnessOptions): Promise<HarnessServer> {
  const dirs: Array<[string, string]> = [
    ['/plugin/', o.plugin],
    ...Object.entries(o.dirs ?? {}),
    ['/public/build/img/icons/', ICONS],
    ['/', path.join(HARNESS, 'dist')],
  ];
  const file = (urlPath: string): string | undefined => {
    const p = decodeURIComponent(urlPath.split('?')[0]);
    if (p === '/') {
      return path.join(HARNESS, 'page.html');
    }
    if (p === '/page.js') {
      return path.join(HARNESS, 'dist', o.bundle);
    }
    for (const [prefix, dir] of dirs) {
      if (p.startsWith(prefix)) {
        const full = path.join(dir, p.slice(prefix.length));
        return full.startsWith(dir) && fs.existsSync(full) && fs.statSync(full).isFile() ? full : undefined;
      }
    }
    return undefined;
  };
  const server = http.createServer((req, res) => {
    if (o.handle?.(req, res)) {
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
  return { base: `http://127.0.0.1:${port}`, close: () => server.close() };
}

export interface Chromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (user data dir) and nothing running in the background. */
export async function launchChromium(options: {
  viewport: { width: number; height: number };
  deviceScaleFactor?: number;
}): Promise<Chromium> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-chromium-'));
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: CHROMIUM,
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
  return {
    context,
    close: async () => {
      await context.close();
      removeDir(profile);
    },
  };
}

/** A new page that may reach nothing but `base` (a Grafana package must not phone home); `errors` collects its uncaught errors. */
export async function openPage(context: BrowserContext, base: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) =>
    route.request().url().startsWith(base) || route.request().url().startsWith('data:')
      ? route.continue()
      : route.abort()
  );
  return { page, errors };
}
