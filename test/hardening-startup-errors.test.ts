/**
 * Start-up failures a user causes (a wrong DATABASE_PATH, a port in use, a mistyped path for
 * `detect`) end with one sentence naming the variable and the path, exit 1 and no stack trace.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../exporter/src/store/db';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'exporter', 'src', 'main.ts');
// Never reached: every case fails before the first request.
const BASE_ENV = {
  CURSOR_ADMIN_API_KEY: 'key_hardening_startup',
  CURSOR_API_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'silent',
  API_AUTH: 'off',
  HOST: '127.0.0.1',
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  env: Record<string, string>,
  spawnOpts: { uid?: number; gid?: number } = {},
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: ROOT, env: { ...process.env, ...BASE_ENV, ...env }, timeout: 60_000, ...spawnOpts },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** One plain sentence: exit 1, names the variable and the file, no stack frames. */
function expectPlainDbError(res: Result, file: string, reason: RegExp): void {
  expect(res.code).toBe(1);
  expect(res.stderr).toContain(`DATABASE_PATH=${file}`);
  expect(res.stderr).toMatch(reason);
  expect(res.stderr).not.toMatch(/^\s+at /m);
}

describe('start-up errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-startup-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('DATABASE_PATH below a file', async () => {
    fs.writeFileSync(path.join(dir, 'plain-file'), 'x');
    const file = path.join(dir, 'plain-file', 'usage.db');
    expectPlainDbError(await cli(['collect'], { DATABASE_PATH: file }), file, /parent of it is a file/);
  });

  it('DATABASE_PATH naming a directory', async () => {
    const file = path.join(dir, 'a-directory');
    fs.mkdirSync(file);
    expectPlainDbError(await cli(['collect'], { DATABASE_PATH: file }), file, /is a directory/);
  });

  it('a corrupt database file is reported and left as it was', async () => {
    const file = path.join(dir, 'corrupt.db');
    const garbage = Buffer.from('this is not a database, but somebody may still want it back\n'.repeat(200));
    fs.writeFileSync(file, garbage);
    expectPlainDbError(await cli(['collect'], { DATABASE_PATH: file }), file, /not a SQLite database.*move it aside/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  // Root ignores file modes: run the CLI as nobody then (CI may run as an ordinary user: chmod suffices).
  // A checkout nobody cannot read (e.g. cloned into a mode-0700 mktemp dir) cannot host that run.
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const canRunAs = spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: ROOT, ...asNobody }).status === 0;
  (canRunAs ? it : it.skip)(
    'a read-only database is refused at start, not at the first write, and keeps its data',
    async () => {
      const roDir = path.join(dir, 'ro');
      fs.chmodSync(dir, 0o711);
      fs.mkdirSync(roDir);
      fs.chmodSync(roDir, 0o777);
      const file = path.join(roDir, 'usage.db');
      const db = openDb(file);
      db.prepare("INSERT INTO meta (key, value, updated_ms) VALUES ('hardening', 'kept', 0)").run();
      db.close();
      fs.chmodSync(file, 0o444);
      const res = await cli(['collect'], { DATABASE_PATH: file }, asNobody);
      expectPlainDbError(res, file, /read-only/);
      fs.chmodSync(file, 0o644);
      const after = openDb(file);
      expect(after.prepare("SELECT value FROM meta WHERE key = 'hardening'").pluck().get()).toBe('kept');
      after.close();
    },
  );

  it('detect on a mistyped path fails instead of creating an empty database', async () => {
    const file = path.join(dir, 'typo', 'cursor-usgae.db');
    const res = await cli(['detect'], { DATABASE_PATH: file });
    expectPlainDbError(res, file, /no such file/);
    expect(fs.existsSync(file)).toBe(false);
    expect(res.stdout).toBe('');
  });

  it('a port in use names PORT and the likely cause', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const res = await cli(['serve'], { PORT: String(port), DATABASE_PATH: path.join(dir, 'port.db') });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`PORT=${port} on HOST=127.0.0.1 is already in use`);
      expect(res.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
