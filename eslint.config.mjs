// Lint for the exporter, the cross-component tests, the benchmarks and the dashboard generator.
// Its main job is the architecture (ARCHITECTURE.md): which folder of exporter/src may import which,
// where the database handle may go, and no import cycles. grafana-plugin/ keeps create-plugin's own config.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const root = path.dirname(fileURLToPath(import.meta.url));
const src = 'exporter/src';

// The allowed arrows between the folders of exporter/src: each folder lists the only folders it may import
// (types included). Data flows one way, Cursor API → collect → store → detect → incidents → notify, and
// store → queries → api, so the arrows form a DAG and no two folders can depend on each other.
// `logger.ts` is the one root file a folder may import; the other root files are the composition root.
const layers = {
  schemas: [], // shared with the Grafana plugin, which must not pull in the exporter
  domain: ['schemas'],
  config: ['domain'],
  cursor: ['domain'],
  simulator: ['domain', 'cursor'],
  detect: ['domain', 'schemas'], // pure: facts, settings and now in, findings out
  store: ['domain', 'schemas', 'detect'], // detect: types only (the facts it loads), see below
  queries: ['store', 'digests', 'detect', 'domain', 'schemas'],
  settings: ['store', 'detect', 'domain', 'schemas'],
  incidents: ['store', 'detect', 'domain', 'schemas'],
  digests: ['store', 'detect', 'domain', 'schemas'],
  notify: ['digests', 'incidents', 'store', 'domain', 'schemas'],
  groups: ['store', 'domain', 'schemas'],
  metrics: ['incidents', 'store', 'detect', 'domain', 'schemas'],
  collect: ['cursor', 'store', 'config', 'domain', 'logger.ts'],
  api: ['queries', 'groups', 'settings', 'incidents', 'digests', 'detect', 'store', 'domain', 'schemas', 'logger.ts'],
};
// A loop in this table (a → b → a, or longer) would let folders depend on each other: refuse it outright.
const visiting = new Set();
const done = new Set();
const visit = (folder, path) => {
  if (visiting.has(folder))
    throw new Error(`eslint.config.mjs: the layers form a cycle: ${[...path, folder].join(' → ')}`);
  if (done.has(folder) || !layers[folder]) return;
  visiting.add(folder);
  for (const next of layers[folder]) visit(next, [...path, folder]);
  visiting.delete(folder);
  done.add(folder);
};
for (const folder of Object.keys(layers)) visit(folder, []);

// Besides store/ itself, only these may hold the better-sqlite3 handle (`Db` in store/db.ts) and so run SQL.
const dbOwners = [`${src}/store/**`, `${src}/queries/**`, `${src}/*.ts`];
// Test code: may open a database to set up its case, but keeps to its folder's arrows.
const testFiles = ['**/*.test.ts', '**/testing.ts', '**/testing/**', '**/test-fixtures.ts', 'test/**'];

const modules = [...Object.keys(layers), 'logger.ts'];
const folderZones = Object.entries(layers).map(([folder, allowed]) => ({
  target: `${src}/${folder}`,
  from: modules.filter((other) => other !== folder && !allowed.includes(other)).map((other) => `${src}/${other}`),
  message: `${folder}/ may import only: ${allowed.join(', ') || 'nothing of ours'} (eslint.config.mjs, ARCHITECTURE.md).`,
}));

export default defineConfig([
  {
    ignores: [
      'grafana-plugin/**',
      '**/dist/**',
      'artifacts/**',
      'coverage/**',
      '.tmp/**',
      '.*-tmp/**',
      'bench/results/**',
      'dashboards/generated/**',
    ],
  },
  {
    files: ['**/*.ts'],
    // The recommended sets catch real bugs (unsafe finally, unused values, stray `any`); formatting is prettier's.
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    settings: {
      // Resolve and parse our .ts sources (extension-less relative imports, as tsc compiles them).
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      // `const { dropped: _, ...rest } = x` is the idiom for "all but one key".
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // A runtime import cycle leaves one side half-initialised; type-only cycles are harmless and ignored.
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            ...folderZones,
            // Folders are wired by the composition root (server.ts, main.ts, …); importing it back is a cycle.
            {
              target: `${src}/*/**`,
              from: `${src}/!(logger).ts`,
              message: 'Only the composition root imports the folders, never the reverse.',
            },
            // Shipped code must not depend on tests, benchmarks or other packages' sources (unit tests may use test/helpers).
            {
              target: `${src}/**/!(*.test).ts`,
              from: ['test', 'bench', 'dashboards', 'grafana-plugin'],
              message: 'The exporter ships alone: no imports from tests, benches, dashboards or the plugin.',
            },
            // The dashboard generator builds on the plugin's query types, which build on exporter/src/schemas only.
            {
              target: 'dashboards/src',
              from: src,
              except: ['./schemas'],
              message: 'Dashboards may use the shared schemas, not the exporter itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // store/ loads detect's facts, so it may name their types; a value import would run detection in the store.
    files: [`${src}/store/**/*.ts`],
    ignores: testFiles,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)detect(/|$)',
              allowTypeImports: true,
              message: 'store/ may import only types from detect/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Other folders receive repositories (store/index.ts), never the Db handle, so all SQL stays in store/ and queries/.
    files: [`${src}/**/*.ts`],
    ignores: [...dbOwners, ...testFiles],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'better-sqlite3', message: 'SQL lives in store/ (and queries/ for the JSON API).' }],
          patterns: [
            {
              regex: '(^|/)store/db$',
              message: 'Take a repository from the Store, not the Db handle: SQL lives in store/ and queries/.',
            },
          ],
        },
      ],
      // The same handle reached through the Store (`store.db`, `Store['db']`, `{ db } = store`) instead of an import.
      'no-restricted-syntax': [
        'error',
        ...[
          "MemberExpression[property.name='db']",
          "TSIndexedAccessType[indexType.literal.value='db']",
          "ObjectPattern > Property[key.name='db']",
        ].map((selector) => ({
          selector,
          message: 'Take a repository from the Store, not its Db handle: SQL lives in store/ and queries/.',
        })),
      ],
    },
  },
]);
