import fs from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { apiPlugin } from '../exporter/src/api';
import { docsPlugin } from '../exporter/src/api/docs';
import { ENV_VARS } from '../exporter/src/config';
import { createMetricsService } from '../exporter/src/metrics/service';
import { Store } from '../exporter/src/store';
import { openDb } from '../exporter/src/store/db';

/** The README is the public contract for configuration and metric names: it must list all of them. */
const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('documents every environment variable with its default', () => {
    for (const v of ENV_VARS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${v.name}\` |`));
      expect({ name: v.name, row: row !== undefined }).toEqual({ name: v.name, row: true });
      expect(row).toContain(v.default === undefined ? '| — |' : `| \`${v.default}\` |`);
    }
  });

  it('documents every metric family the exporter registers', async () => {
    const db = openDb(':memory:');
    const metrics = createMetricsService(new Store(db));
    await metrics.rebuild();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(20);
    const missing = names.filter((n) => !readme.includes(`| \`${n}\` |`));
    expect(missing).toEqual([]);
    db.close();
  });

  it('documents every JSON API route of the OpenAPI document', async () => {
    const db = openDb(':memory:');
    const app = Fastify();
    await app.register(async (root) => {
      await root.register(docsPlugin);
      await root.register(apiPlugin, { prefix: '/api/v1', store: new Store(db), auth: { mode: 'off' } });
    });
    const doc = JSON.parse((await app.inject({ url: '/docs/json' })).body) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => !readme.includes(`| \`${r}\` |`))).toEqual([]);
    await app.close();
    db.close();
  });

  it('opens with the demo and the test commands', () => {
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5));
    expect(firstBlock).toContain('npm ci && npm run demo');
    expect(firstBlock).toContain('npm test');
  });
});
