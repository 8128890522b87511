/**
 * /docs under the security headers: the Swagger UI page, fetched with the API token, renders every
 * operation in a real Chromium with no Content-Security-Policy violation (helmet's policy and the
 * page's own scripts and styles must fit together).
 */
import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { chromium } from 'playwright-core';
import { apiPlugin } from '../exporter/src/api';
import { docsPlugin } from '../exporter/src/api/docs';
import { seedTeam } from '../exporter/src/api/testing';
import { Store } from '../exporter/src/store';

jest.setTimeout(60_000);

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const TOKEN = 'docs-ui-token-0123456789';
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI === 'true')
  throw new Error(`${CHROMIUM} is missing but CI requires it: apt-get install --no-install-recommends chromium`);

(available ? describe : describe.skip)('/docs in a browser', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = Fastify();
    await app.register(helmet); // as serve registers it
    await app.register(docsPlugin, { token: TOKEN });
    await app.register(apiPlugin, {
      prefix: '/api/v1',
      store: new Store(seedTeam()),
      auth: { mode: 'on', token: TOKEN },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  it('renders every operation without a CSP violation', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } });
      const errors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      await page.goto(`${base}/docs`);
      await page.locator('.opblock').first().waitFor();
      const paths = (await (
        await fetch(`${base}/docs/json`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as { paths: Record<string, object> };
      const operations = Object.values(paths.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
      expect(await page.locator('.opblock').count()).toBe(operations);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
