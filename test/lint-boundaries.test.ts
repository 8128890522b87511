/**
 * The lint step is what keeps the architecture (ARCHITECTURE.md): probes that cross each boundary are linted
 * with the real eslint.config.mjs and must be refused by the named rule; the same imports from test code,
 * and the real tree's leaf folders, must pass. Probes are linted as text at a path inside the folder they
 * pretend to live in; only the cycle probe needs files, written in a dot folder (tsc and jest skip it) and
 * removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const src = 'exporter/src';

interface Message {
  ruleId: string | null;
  message: string;
  line: number;
}
interface Result {
  filePath: string;
  messages: Message[];
}
interface Text {
  filePath: string;
  code: string;
}

function lint(request: { files?: string[]; texts?: Text[] }): Result[] {
  const out = execFileSync(process.execPath, [path.join(root, 'test/helpers/eslint-json.mjs')], {
    cwd: root,
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Result[];
}

const sourceFiles = (dir: string) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
// A real module of the folder, so that the probe's import resolves (an import that resolves nowhere is not checked).
const moduleOf = (folder: string) => `../${folder}/${sourceFiles(`${src}/${folder}`)[0].replace(/\.ts$/, '')}`;
const folders = fs
  .readdirSync(path.join(root, src), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
  .map((d) => d.name)
  .sort();
const compositionRoot = sourceFiles(src)
  .find((f) => f !== 'logger.ts')!
  .replace(/\.ts$/, '');

const probes: Record<string, Text> = {
  detectTestOpensStore: {
    filePath: `${src}/detect/__lint_probe__.test.ts`,
    code: `import { Store } from '../store';\nimport { openDb } from '../store/db';\nexport const probe = [Store, openDb];\n`,
  },
  storeImportsCollect: {
    filePath: `${src}/store/__lint_probe__.ts`,
    code: `import * as collect from '${moduleOf('collect')}';\nexport const probe = collect;\n`,
  },
  metricsTakesDb: {
    filePath: `${src}/metrics/__lint_probe__.ts`,
    code: `import type { Db } from '../store/db';\nimport type Database from 'better-sqlite3';\nexport type Probe = [Db, Database.Database];\n`,
  },
  metricsTestOpensDb: {
    filePath: `${src}/metrics/__lint_probe__.test.ts`,
    code: `import type { Db } from '../store/db';\nimport type Database from 'better-sqlite3';\nexport type Probe = [Db, Database.Database];\n`,
  },
  apiReachesDbThroughStore: {
    filePath: `${src}/api/__lint_probe_handle__.ts`,
    code: `import type { Store } from '../store';\nexport type Probe = Store['db'];\nexport const probe = (s: Store) => s.db;\n`,
  },
  storeUsesDetect: {
    filePath: `${src}/store/__lint_probe_detect__.ts`,
    code: `import type * as types from '${moduleOf('detect')}';\nimport * as values from '${moduleOf('detect')}';\nexport type Probe = typeof types;\nexport const probe = values;\n`,
  },
  shippedImportsTest: {
    filePath: `${src}/api/__lint_probe__.ts`,
    code: `import * as helper from '../../../test/helpers/eslint-json.mjs';\nexport const probe = helper;\n`,
  },
  unitTestImportsTestHelper: {
    filePath: `${src}/api/__lint_probe__.test.ts`,
    code: `import * as helper from '../../../test/helpers/eslint-json.mjs';\nexport const probe = helper;\n`,
  },
  folderImportsCompositionRoot: {
    filePath: `${src}/api/__lint_probe_root__.ts`,
    code: `import * as root from '../${compositionRoot}';\nexport const probe = root;\n`,
  },
};
// A probe per folder importing one module of every other folder: a folder missing from the arrows refuses nothing.
const arrowProbes: Record<string, Text> = Object.fromEntries(
  folders.map((folder) => {
    const others = folders.filter((f) => f !== folder);
    const imports = others.map((f, i) => `import * as m${i} from '${moduleOf(f)}';`).join('\n');
    const code = `${imports}\nexport const probe = [${others.map((_, i) => `m${i}`).join(', ')}];\n`;
    return [folder, { filePath: `${src}/${folder}/__lint_probe_arrows__.ts`, code }];
  }),
);

// Two files importing each other at run time, and two whose loop is closed only by a type import.
const cycleDir = `${src}/detect/.lint-probe-${process.pid}`;
const cycleFiles: Record<string, string> = {
  'a.ts': `import { b } from './b';\nexport const a = (): number => b;\n`,
  'b.ts': `import { a } from './a';\nexport const b = 1;\nexport const c = a;\n`,
  'c.ts': `import type { D } from './d';\nexport const c = 1;\nexport type C = D;\n`,
  'd.ts': `import { c } from './c';\nexport type D = number;\nexport const d = c;\n`,
};
const keyFiles = [`${src}/schemas`, `${src}/domain`, `${src}/store/db.ts`];

let byPath: Map<string, Message[]>;

beforeAll(() => {
  fs.mkdirSync(path.join(root, cycleDir));
  try {
    for (const [name, code] of Object.entries(cycleFiles)) fs.writeFileSync(path.join(root, cycleDir, name), code);
    const results = lint({
      files: [...Object.keys(cycleFiles).map((f) => `${cycleDir}/${f}`), ...keyFiles],
      texts: [...Object.values(probes), ...Object.values(arrowProbes)],
    });
    byPath = new Map(results.map((r) => [r.filePath, r.messages]));
  } finally {
    fs.rmSync(path.join(root, cycleDir), { recursive: true, force: true });
  }
}, 120_000);

afterAll(() => {
  expect(fs.existsSync(path.join(root, cycleDir))).toBe(false);
});

const messagesOf = (filePath: string) => {
  const messages = byPath.get(filePath);
  if (!messages) throw new Error(`${filePath} was not linted`);
  return messages;
};
const rulesOf = (probe: Text) => messagesOf(probe.filePath).map((m) => m.ruleId);

describe('the lint step refuses imports that cross a boundary', () => {
  it('a test in detect/ that opens the store', () => {
    const messages = messagesOf(probes.detectTestOpensStore.filePath);
    expect(messages.map((m) => [m.line, m.ruleId])).toEqual([
      [1, 'import-x/no-restricted-paths'],
      [2, 'import-x/no-restricted-paths'],
    ]);
    expect(messages[0].message).toContain('detect/ may import only: domain, schemas');
  });

  it('store/ importing collect/, which imports store/ (a folder cycle)', () => {
    const messages = messagesOf(probes.storeImportsCollect.filePath);
    expect(messages.map((m) => m.ruleId)).toEqual(['import-x/no-restricted-paths']);
    expect(messages[0].message).toContain('store/ may import only');
  });

  it('the Db handle or better-sqlite3 outside store/, queries/ and the composition root', () => {
    expect(rulesOf(probes.metricsTakesDb)).toEqual(['no-restricted-imports', 'no-restricted-imports']);
  });

  it('the same handle reached through the Store instead of an import', () => {
    expect(rulesOf(probes.apiReachesDbThroughStore)).toEqual(['no-restricted-syntax', 'no-restricted-syntax']);
  });

  it('values (not types) of detect/ in store/', () => {
    const messages = messagesOf(probes.storeUsesDetect.filePath);
    expect(messages.map((m) => [m.line, m.ruleId])).toEqual([[2, '@typescript-eslint/no-restricted-imports']]);
  });

  it('shipped code importing tests, and a folder importing the composition root', () => {
    expect(
      messagesOf(probes.shippedImportsTest.filePath)
        .map((m) => m.message)
        .join(),
    ).toContain('The exporter ships alone');
    expect(
      messagesOf(probes.folderImportsCompositionRoot.filePath)
        .map((m) => m.message)
        .join(),
    ).toContain('Only the composition root imports the folders');
  });

  it('a runtime import cycle, but not a loop closed by a type import', () => {
    expect(messagesOf(`${cycleDir}/a.ts`).map((m) => m.ruleId)).toEqual(['import-x/no-cycle']);
    expect(messagesOf(`${cycleDir}/b.ts`).map((m) => m.ruleId)).toEqual(['import-x/no-cycle']);
    expect(messagesOf(`${cycleDir}/c.ts`)).toEqual([]);
    expect(messagesOf(`${cycleDir}/d.ts`)).toEqual([]);
  });

  it.each(folders)('every folder of exporter/src has its arrows: %s/', (folder) => {
    const refused = messagesOf(arrowProbes[folder].filePath).filter((m) => m.ruleId === 'import-x/no-restricted-paths');
    expect(refused.length).toBeGreaterThan(0);
  });
});

describe('the lint step lets through', () => {
  it('a unit test opening a database in a folder that may use the store, or importing test helpers', () => {
    expect(messagesOf(probes.metricsTestOpensDb.filePath)).toEqual([]);
    expect(messagesOf(probes.unitTestImportsTestHelper.filePath)).toEqual([]);
  });

  it('the real leaf folders: schemas/, domain/ and store/db.ts', () => {
    const real = [...byPath].filter(
      ([f]) => !f.includes('__lint_probe') && keyFiles.some((k) => f === k || f.startsWith(`${k}/`)),
    );
    expect(real.length).toBeGreaterThan(5);
    expect(real.filter(([, messages]) => messages.length > 0)).toEqual([]);
  });
});
