/**
 * The real exporter for the plugin's tests: `cursor-usage-exporter demo` (the built-in simulator:
 * 60 people, 60 days, injected anomalies) as a child process on a free loopback port with API auth
 * on, and a second exporter whose data is stale (a copy of the demo database whose last collection
 * is 6 hours old, collecting from an address where nothing listens, so it stays stale).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, stopper } from '../../test/helpers/prometheus';

export { freePort };

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
export const TOKEN = 'plugin-test-token-0123456789abcdef';

/** HTTP status of a GET, 0 when nothing answers (jsdom's environment has no fetch). */
function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

async function waitFor(url: string, child: ChildProcess, log: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`exporter exited with ${child.exitCode}: ${log()}`);
    }
    if ((await status(url)) === 200) {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`exporter not ready at ${url}: ${log()}`);
}

export interface Exporter {
  url: string;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}

async function start(
  args: string[],
  env: Record<string, string>,
  readyPath: string,
  dir: string,
  dbPath: string
): Promise<Exporter> {
  const port = await freePort();
  let log = '';
  const child = spawn(TSX, ['exporter/src/main.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      API_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      DATABASE_PATH: dbPath,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (log += c));
  child.stderr!.on('data', (c) => (log += c));
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  try {
    await waitFor(`${url}${readyPath}`, child, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dir, dbPath, stop };
}

/** The demo exporter, ready (first backfill and detection done). */
export async function startDemoExporter(): Promise<Exporter> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-exporter-'));
  return start(['demo'], {}, '/readyz', dir, path.join(dir, 'demo.db'));
}

/** An exporter serving a copy of `from`'s database whose last successful collection is `ageHours` old. */
export async function startStaleExporter(from: Exporter, ageHours = 6): Promise<Exporter> {
  const dbPath = path.join(from.dir, 'stale.db');
  const script = `
    const Database = require('better-sqlite3');
    const src = new Database(process.argv[1]);
    src.exec("VACUUM INTO '" + process.argv[2].replace(/'/g, "''") + "'");
    src.close();
    const db = new Database(process.argv[2]);
    db.prepare('UPDATE collection_runs SET started_ms = started_ms - ?, ended_ms = ended_ms - ?').run(Number(process.argv[3]), Number(process.argv[3]));
    db.close();`;
  const r = spawnSync(process.execPath, ['-e', script, from.dbPath, dbPath, String(ageHours * 3_600_000)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`could not age the database copy: ${r.stderr}`);
  }
  const nowhere = await freePort(); // closed again: collections fail, the data stays as old as it is
  return start(
    ['serve'],
    { CURSOR_API_URL: `http://127.0.0.1:${nowhere}`, CURSOR_ADMIN_API_KEY: 'key_sim_admin', COLLECT_INTERVAL: '24h' },
    '/healthz',
    from.dir,
    dbPath
  );
}

/** An exporter that has collected nothing yet: a fresh database, collecting from an address where nothing listens. */
export async function startEmptyExporter(from: Exporter): Promise<Exporter> {
  const nowhere = await freePort();
  return start(
    ['serve'],
    { CURSOR_API_URL: `http://127.0.0.1:${nowhere}`, CURSOR_ADMIN_API_KEY: 'key_sim_admin', COLLECT_INTERVAL: '24h' },
    '/healthz',
    from.dir,
    path.join(from.dir, 'empty.db')
  );
}

export function removeDir(dir: string | undefined): void {
  if (dir) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A JSON request with the token to the exporter directly (settings changes in test setup). */
export function sendJson(method: string, url: string, body: unknown, token = TOKEN): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Runs `cursor-usage-exporter detect` over an exporter's database (what every collection does). */
export function runDetection(exporter: Exporter): void {
  const r = spawnSync(TSX, ['exporter/src/main.ts', 'detect'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: exporter.dbPath, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(`detect failed: ${r.stderr}`);
  }
}

/** GET a JSON route of the exporter directly (the tests' independent view of what it serves). */
export function getJson<T = any>(url: string, token = TOKEN): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${url}: ${res.statusCode} ${body}`))
        );
      })
      .on('error', reject);
  });
}
