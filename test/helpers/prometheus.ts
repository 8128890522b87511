/**
 * Real Prometheus (Debian binary) for integration tests, plus promtool and an exposition parser.
 * Facts behind the choices: ../../../shared/reference/prometheus-alertmanager.md §2 and §5.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/**
 * Whether a binary-backed test file may run. Missing binaries skip the file locally with a clear
 * message but fail under CI=true (or REQUIRE_PROM_STACK=1), so the integration layer cannot vanish.
 */
export function binaryAvailable(bin: string): boolean {
  if (fs.existsSync(bin)) return true;
  if (process.env.CI === 'true' || process.env.REQUIRE_PROM_STACK === '1') {
    throw new Error(
      `${bin} is missing but CI/REQUIRE_PROM_STACK requires it: apt-get install --no-install-recommends prometheus`,
    );
  }
  console.warn(`skipping: ${bin} not installed (apt-get install --no-install-recommends prometheus)`);
  return false;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `promtool check metrics` on an exposition: exit 0 and no output means clean. */
export function promtoolCheckMetrics(exposition: string | Buffer): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      PROMTOOL_BIN,
      ['check', 'metrics'],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(exposition);
  });
}

/** A free loopback port: listen on 0, read it, close (the race window is tiny, §2.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const survivors = new Set<ChildProcess>();
// A crashed or interrupted runner must not leave Prometheus running (§2.5 pitfall 7).
process.on('exit', () => {
  for (const c of survivors) c.kill('SIGKILL');
});

export interface Daemon {
  child: ChildProcess;
  /** SIGTERM by PID (SIGKILL after 5 s), then removes the temp dir. */
  stop(): Promise<void>;
}

/** Spawns a Debian daemon logging into `dir/NAME.log`, with a pidfile, killed on exit if a test forgets. */
export function spawnDaemon(bin: string, dir: string, name: string, args: string[]): Daemon {
  const log = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(bin, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  fs.writeFileSync(path.join(dir, `${name}.pid`), String(child.pid));
  const stopped = stopper(child);
  const stop = async () => {
    await stopped();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { child, stop };
}

/**
 * Tracks a child so a crashed runner still kills it on exit, and returns its stop: SIGTERM by PID,
 * SIGKILL after 5 s, resolved once it has exited.
 */
export function stopper(child: ChildProcess): () => Promise<void> {
  survivors.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    survivors.delete(child);
  };
}

export interface PrometheusHandle {
  url: string;
  dir: string;
  /** Instant PromQL query through the HTTP API; returns the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Polls `expr` until it returns a non-empty vector satisfying `ok`, or throws after timeoutMs. */
  waitFor(
    expr: string,
    ok?: (v: { metric: Record<string, string>; value: [number, string] }[]) => boolean,
    timeoutMs?: number,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  metricsPath?: string;
  bearerToken?: string;
  /** Rule file contents (YAML), evaluated every second. */
  rules?: string;
  /** host:port of an Alertmanager to send alerts to. */
  alertmanager?: string;
}

/** Starts Prometheus scraping `target` (host:port) every second, with its own temp dir and port. */
export async function startPrometheus(target: string, opts: PrometheusOptions = {}): Promise<PrometheusHandle> {
  const auth = opts.bearerToken ? `    authorization:\n      credentials: '${opts.bearerToken}'\n` : '';
  const rules = opts.rules ? 'rule_files: [rules.yml]\n' : '';
  const alerting = opts.alertmanager
    ? `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['${opts.alertmanager}']\n`
    : '';
  return startPrometheusWithConfig(
    () =>
      `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n${rules}${alerting}scrape_configs:\n  - job_name: exporter\n    metrics_path: ${opts.metricsPath ?? '/metrics'}\n${auth}    static_configs:\n      - targets: ['${target}']\n`,
    { files: opts.rules ? { 'rules.yml': opts.rules } : {}, readyExpr: 'up{job="exporter"}' },
  );
}

export interface PrometheusConfigOptions {
  /** Extra files written beside prometheus.yml (relative paths in the config resolve against it). */
  files?: Record<string, string>;
  /** The expression whose first non-empty result means ready (default: a target is up). */
  readyExpr?: string;
}

/**
 * Starts Prometheus with a whole configuration, rendered once its own loopback address (host:port) is
 * known, so a config may scrape Prometheus itself.
 */
export async function startPrometheusWithConfig(
  render: (self: string) => string,
  opts: PrometheusConfigOptions = {},
): Promise<PrometheusHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cus-prom-'));
  const port = await freePort();
  for (const [name, text] of Object.entries(opts.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), render(`127.0.0.1:${port}`));
  const daemon = spawnDaemon(PROMETHEUS_BIN, dir, 'prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=http://127.0.0.1:${port}/`,
    '--log.level=warn',
  ]);
  const { child, stop } = daemon;
  const url = `http://127.0.0.1:${port}`;

  const query: PrometheusHandle['query'] = async (expr) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const json = (await res.json()) as {
      status: string;
      error?: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (json.status !== 'success') throw new Error(`PromQL ${expr}: ${json.error ?? res.status}`);
    return json.data.result;
  };

  const waitFor: PrometheusHandle['waitFor'] = async (expr, ok = () => true, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: Awaited<ReturnType<PrometheusHandle['query']>> = [];
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`prometheus exited early: ${fs.readFileSync(path.join(dir, 'prometheus.log'), 'utf8')}`);
      try {
        last = await query(expr);
        if (last.length > 0 && ok(last)) return last;
      } catch {
        // not ready yet: the HTTP API comes up ~0.1 s after spawn
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${expr}; last result ${JSON.stringify(last)}`);
  };

  try {
    // Readiness for a test is the first scrape, not /-/ready: discovery hands targets over only every ~5 s (§2.5).
    await waitFor(opts.readyExpr ?? 'up == 1');
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dir, query, waitFor, stop };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (enough for our own output: no timestamps, escaped label values). */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('#')) continue;
    const m = line.exec(raw);
    if (!m) throw new Error(`unparsable exposition line: ${raw}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(label))
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the one sample matching name and (a subset of) labels; throws when not exactly one. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length !== 1) throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${hits.length}`);
  return hits[0].value;
}
