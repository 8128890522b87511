/**
 * The docker-compose stack, checked without a Docker engine: Debian's docker-compose 1.29 validates
 * the file with no .env at all, with .env.example as .env and with it filled in; every bind mount
 * exists where compose expects it; the Dockerfile builds the Grafana image with our plugin; the
 * secrets service's script writes the shared tokens (run here, on a temp dir); Prometheus' and
 * Alertmanager's configs pass promtool/amtool laid out as the containers see them; Grafana's
 * provisioning matches the plugin id and the dashboards' datasource UIDs; and the exporter's container
 * command, with the tokens the secrets script wrote, and its healthcheck really work (on loopback).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ALERTMANAGER_BIN } from './helpers/alertmanager';
import { binaryAvailable, freePort, PROMTOOL_BIN } from './helpers/prometheus';

const ROOT = path.join(__dirname, '..');
const COMPOSE_BIN = process.env.DOCKER_COMPOSE_BIN ?? '/usr/bin/docker-compose';
const AMTOOL_BIN = process.env.AMTOOL_BIN ?? '/usr/bin/amtool';
const PLUGIN_ID = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'grafana-plugin/src/plugin.json'), 'utf8')) as { id: string }
).id;

interface Service {
  image?: string;
  build?: { context: string; target: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  tmpfs?: string[];
  user?: string;
  network_mode?: string;
  depends_on?: Record<string, { condition: string }>;
}
const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** Bind mounts of a service as [host path relative to the repo, container path]. */
function binds(service: string): [string, string][] {
  return (services[service].volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [src, dst] = v.split(':');
      return [path.normalize(src), dst];
    });
}
/** Where a service mounts a named volume, and whether read-only; undefined when it does not. */
function volumeMount(service: string, volume: string): { path: string; readOnly: boolean } | undefined {
  const hit = (services[service].volumes ?? []).map((v) => v.split(':')).find(([src]) => src === volume);
  return hit && { path: hit[1], readOnly: hit[2] === 'ro' };
}
function containerPathOf(service: string, hostRel: string): string {
  const hit = binds(service).find(([src]) => src === hostRel);
  if (!hit) throw new Error(`${service} does not mount ${hostRel}`);
  return hit[1];
}
/** Copies a service's bind mounts into DIR at their container paths, as the container sees them. */
function layOut(service: string, dir: string): void {
  for (const [src, dst] of binds(service)) {
    fs.mkdirSync(path.dirname(path.join(dir, dst)), { recursive: true });
    fs.cpSync(path.join(ROOT, src), path.join(dir, dst), { recursive: true });
  }
}
/** Every key/value pair anywhere in a parsed YAML document. */
function* entries(node: unknown): Generator<[string, unknown]> {
  if (Array.isArray(node)) for (const x of node) yield* entries(x);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      yield [k, v];
      yield* entries(v);
    }
  }
}
/** Compose's interpolation of one value: ${X}, ${X:-default}, ${X:?message} from `vars`, defaults otherwise. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, op?: string, rest?: string) => vars[name] ?? (op === '-' ? rest! : ''),
  );
}
/** Runs a service's `sh -c` script as compose would (`$$` is a literal `$`), in its own process group. */
function runScript(
  script: string,
  env: Record<string, string>,
  cwd: string,
): { child: ChildProcess; output: () => string; kill: () => Promise<void> } {
  const child = spawn('sh', ['-c', script.replace(/\$\$/g, '$')], {
    cwd,
    env: { PATH: process.env.PATH!, HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return { child, output: () => out, kill };
}
async function waitForOk(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    if (i > 240 || child.exitCode !== null) throw new Error(`${url} did not become ready:\n${output()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
const secretEnv = () => ({
  API_TOKEN: 'compose-test-api-token-0123456789abcdef',
  ALERTMANAGER_WEBHOOK_TOKEN: 'compose-test-webhook-token-0123456789ab',
  GRAFANA_ADMIN_PASSWORD: 'compose-test-password',
});

/** The secrets service: its node script and the directory (its volume) it writes to. */
const SECRETS_VOLUME = 'cursor-secrets';
const [secretsScript, SECRETS_DIR] = (() => {
  const [node, flag, script, dir] = services.secrets.command as string[];
  if (node !== 'node' || flag !== '-e') throw new Error(`the secrets service runs ${node} ${flag}, not node -e`);
  return [script.replace(/\$\$/g, '$'), dir];
})();
/** Runs the secrets script as the container would, on DIR instead of the volume. */
function writeSecrets(dir: string, env: Record<string, string> = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['-e', secretsScript, dir], {
    env: { PATH: process.env.PATH!, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
}
const secretFile = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const isRoot = process.getuid?.() === 0;
function envFile(dir: string, overrides: Record<string, string>): string {
  const lines = read('.env.example')
    .split('\n')
    .map((l) => {
      const m = /^([A-Z_]+)=/.exec(l);
      return m && m[1] in overrides ? `${m[1]}=${overrides[m[1]]}` : l;
    });
  const file = path.join(dir, '.env');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

describe('docker-compose.yml', () => {
  const hasCompose = binaryAvailable(COMPOSE_BIN);
  (hasCompose ? it : it.skip)(
    'is valid for docker-compose 1.29 with no .env at all, with .env.example as .env, and with it filled in',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
      try {
        // A copy of the file in an empty directory, so no .env is next to it.
        fs.copyFileSync(path.join(ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
        const run = (...args: string[]) =>
          spawnSync(COMPOSE_BIN, ['-f', path.join(dir, 'docker-compose.yml'), ...args, 'config', '-q'], {
            cwd: dir,
            encoding: 'utf8',
          });
        const bare = run();
        expect({ code: bare.status, err: bare.stderr }).toEqual({ code: 0, err: '' });
        const example = run('--env-file', envFile(dir, {}));
        expect({ code: example.status, err: example.stderr }).toEqual({ code: 0, err: '' });
        const filled = run('--env-file', envFile(dir, secretEnv()));
        expect({ code: filled.status, err: filled.stderr }).toEqual({ code: 0, err: '' });
        // The interpolated file: the secrets from .env reach only the secrets service (and Grafana's admin).
        const config = spawnSync(
          COMPOSE_BIN,
          ['-f', path.join(dir, 'docker-compose.yml'), '--env-file', path.join(dir, '.env'), 'config'],
          { cwd: dir, encoding: 'utf8' },
        );
        const resolved = YAML.parse(config.stdout) as { services: Record<string, Service> };
        expect(resolved.services.secrets.environment).toMatchObject({
          API_TOKEN: secretEnv().API_TOKEN,
          ALERTMANAGER_WEBHOOK_TOKEN: secretEnv().ALERTMANAGER_WEBHOOK_TOKEN,
        });
        for (const [name, s] of Object.entries(resolved.services)) {
          if (name === 'secrets') continue;
          expect({ name, env: JSON.stringify(s.environment ?? {}) }).not.toEqual({
            name,
            env: expect.stringContaining(secretEnv().API_TOKEN),
          });
          expect({ name, env: JSON.stringify(s.environment ?? {}) }).not.toEqual({
            name,
            env: expect.stringContaining(secretEnv().ALERTMANAGER_WEBHOOK_TOKEN),
          });
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('pins every image (Prometheus 2.42.0, Alertmanager 0.25.0, Grafana 12.4.x) and builds the exporter and Grafana from the Dockerfile', () => {
    expect(services.prometheus.image).toBe('prom/prometheus:v2.42.0');
    expect(services.alertmanager.image).toBe('prom/alertmanager:v0.25.0');
    expect(services.exporter.build).toEqual({ context: '.', target: 'exporter' });
    // The secrets service runs the exporter's image: nothing more to pull or build.
    expect(services.secrets.build).toEqual(services.exporter.build);
    expect(services.secrets.image).toBe(services.exporter.image);
    expect(services.grafana.build).toEqual({ context: '.', target: 'grafana' });
    expect(read('Dockerfile')).toMatch(/^FROM grafana\/grafana:12\.4\.\d+ AS grafana$/m);
    for (const s of Object.values(services)) expect(s.image).not.toMatch(/:latest$|^[^:]+$/);
  });

  it('documents every variable it reads in .env.example, and .env.example holds nothing it does not read', () => {
    const text = read('docker-compose.yml');
    const used = new Set([...text.matchAll(/(?<!\$)\$\{([A-Z_]+)/g)].map((m) => m[1]));
    const documented = new Set([...read('.env.example').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...documented].sort());
    for (const secret of Object.keys(secretEnv()))
      expect(read('.env.example')).toMatch(new RegExp(`^${secret}=$`, 'm'));
  });

  it('mounts only paths that exist, none of them a build output (the plugin is built into the Grafana image)', () => {
    for (const name of Object.keys(services)) {
      for (const [src] of binds(name)) {
        expect({ service: name, src, exists: fs.existsSync(path.join(ROOT, src)) }).toEqual({
          service: name,
          src,
          exists: true,
        });
        expect(src).not.toMatch(/^grafana-plugin/);
      }
    }
  });

  it('starts every service that reads a token after the secrets service finished, which no other service waits on', () => {
    const readers = Object.keys(services).filter((name) => volumeMount(name, SECRETS_VOLUME));
    expect(readers.sort()).toEqual(['alertmanager', 'exporter', 'grafana', 'secrets']);
    expect(compose.volumes).toHaveProperty(SECRETS_VOLUME);
    for (const name of readers.filter((n) => n !== 'secrets')) {
      expect({ name, mount: volumeMount(name, SECRETS_VOLUME) }).toEqual({
        name,
        mount: { path: SECRETS_DIR, readOnly: true },
      });
      // Both docker-compose 1.29 and Compose v2 wait for the one-shot to exit 0 before starting these.
      expect({ name, dep: services[name].depends_on?.secrets }).toEqual({
        name,
        dep: { condition: 'service_completed_successfully' },
      });
    }
    expect(volumeMount('secrets', SECRETS_VOLUME)).toEqual({ path: SECRETS_DIR, readOnly: false });
    expect(services.secrets).toMatchObject({ user: '0:0', network_mode: 'none', restart: 'no' });
  });
});

describe('the secrets service', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates each missing token once, keeps it across runs, and prints no token', () => {
    const first = writeSecrets(dir);
    expect(first).toEqual({ status: 0, out: 'api_token: generated\nalertmanager_webhook_token: generated\n' });
    const api = secretFile(dir, 'api_token');
    const webhook = secretFile(dir, 'alertmanager_webhook_token');
    expect(api).toMatch(/^[0-9a-f]{64}$/);
    expect(webhook).toMatch(/^[0-9a-f]{64}$/);
    expect(webhook).not.toBe(api);
    for (const name of ['api_token', 'alertmanager_webhook_token'])
      expect((fs.statSync(path.join(dir, name)).mode & 0o777).toString(8)).toBe('440');
    expect(fs.readdirSync(dir).sort()).toEqual(['alertmanager_webhook_token', 'api_token']);

    const again = writeSecrets(dir);
    expect(again).toEqual({ status: 0, out: 'api_token: kept\nalertmanager_webhook_token: kept\n' });
    expect([secretFile(dir, 'api_token'), secretFile(dir, 'alertmanager_webhook_token')]).toEqual([api, webhook]);
  });

  it('takes a token from the environment (.env) over a kept one, and still prints no token', () => {
    writeSecrets(dir);
    const webhook = secretFile(dir, 'alertmanager_webhook_token');
    const given = writeSecrets(dir, { API_TOKEN: secretEnv().API_TOKEN });
    expect(given).toEqual({ status: 0, out: 'api_token: from API_TOKEN\nalertmanager_webhook_token: kept\n' });
    expect(secretFile(dir, 'api_token')).toBe(secretEnv().API_TOKEN);
    expect(secretFile(dir, 'alertmanager_webhook_token')).toBe(webhook);
    expect((fs.statSync(path.join(dir, 'api_token')).mode & 0o777).toString(8)).toBe('440');

    const both = writeSecrets(dir, {
      API_TOKEN: secretEnv().API_TOKEN,
      ALERTMANAGER_WEBHOOK_TOKEN: secretEnv().ALERTMANAGER_WEBHOOK_TOKEN,
    });
    expect(both).toEqual({
      status: 0,
      out: 'api_token: kept\nalertmanager_webhook_token: from ALERTMANAGER_WEBHOOK_TOKEN\n',
    });
    expect(secretFile(dir, 'alertmanager_webhook_token')).toBe(secretEnv().ALERTMANAGER_WEBHOOK_TOKEN);
    expect(fs.readdirSync(dir).sort()).toEqual(['alertmanager_webhook_token', 'api_token']);
  });

  // Ownership needs root, as the service runs; the users are those the images run as.
  (isRoot ? it : it.skip)(
    'lets each service read exactly the tokens it uses: exporter (node) both, Grafana (472, group root) the API token, Alertmanager (nobody) the webhook token',
    () => {
      fs.chmodSync(dir, 0o755);
      writeSecrets(dir);
      const canRead = (uid: number, gid: number, name: string) =>
        spawnSync('cat', [path.join(dir, name)], { uid, gid, stdio: 'ignore' }).status === 0;
      const users = {
        exporter: [1000, 1000],
        grafana: [472, 0],
        alertmanager: [65534, 65534],
        other: [1001, 1001],
      } as const;
      const readable = Object.fromEntries(
        Object.entries(users).map(([who, [uid, gid]]) => [
          who,
          ['api_token', 'alertmanager_webhook_token'].filter((f) => canRead(uid, gid, f)),
        ]),
      );
      expect(readable).toEqual({
        exporter: ['api_token', 'alertmanager_webhook_token'],
        grafana: ['api_token'],
        alertmanager: ['alertmanager_webhook_token'],
        other: [],
      });
    },
  );
});

describe('the exporter container', () => {
  const dockerfile = read('Dockerfile');
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];

  it('is built on node:20-bookworm-slim as the last (default) target, runs as a non-root user with a data volume', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => [m[1], m[2]]);
    expect(froms.length).toBeGreaterThan(1);
    for (const [f, target] of froms) if (target !== 'grafana') expect(['node:20-bookworm-slim', 'base']).toContain(f);
    expect(froms.at(-1)).toEqual(['node:20-bookworm-slim', 'exporter']);
    const stage = dockerfile.slice(dockerfile.indexOf('AS exporter'));
    expect(stage).toMatch(/^USER node$/m);
    // Two malloc arenas, not one per thread (bench/load runs the exporter with the image's value).
    expect(stage).toMatch(/^\s+MALLOC_ARENA_MAX=2$/m);
    expect(dockerfile).toMatch(/^VOLUME \/app\/data$/m);
    expect(services.exporter.volumes).toContain('exporter-data:/app/data');
    // The image's command is the installed CLI of exporter/package.json.
    const bin = (JSON.parse(read('exporter/package.json')) as { bin: Record<string, string> }).bin;
    expect(dockerfile).toContain(`ln -s /app/exporter/${bin[cmd[0]]} /usr/local/bin/${cmd[0]}`);
    // It compiles the exporter the way the root build does (the plugin is the grafana target's).
    const compile = /^RUN node_modules\/\.bin\/(tsc -p \S+)$/m.exec(dockerfile)![1];
    expect(
      (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build.split(' && '),
    ).toContain(compile);
  });

  it('runs the command the README documents', () => {
    const readme = read('README.md');
    expect(cmd).toEqual(['cursor-usage-exporter', 'serve']);
    expect(readme).toContain('`cursor-usage-exporter <command>`');
    expect(readme).toMatch(/^\| `npm start` \(`serve`\) \|/m);
    const docker = readme.slice(readme.indexOf('## Run the stack with Docker'));
    expect(docker).toContain('`cursor-usage-exporter serve`');
  });

  it('listens on all interfaces inside the container, with API auth on and the tokens from the secrets volume, not the environment', () => {
    const env = services.exporter.environment!;
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.API_AUTH).toBe('on');
    expect(env).not.toHaveProperty('API_TOKEN');
    expect(env).not.toHaveProperty('ALERTMANAGER_WEBHOOK_TOKEN');
    expect(env.PORT).toBe('9464');
  });

  it('refuses to start when the secrets volume holds no token', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-exporter-'));
    try {
      // A stand-in CLI that would report starting: it must never be reached.
      fs.writeFileSync(path.join(dir, 'cursor-usage-exporter'), '#!/bin/sh\necho started\n', { mode: 0o755 });
      const script = (services.exporter.command as string[])[2]
        .replaceAll(SECRETS_DIR, path.join(dir, 'empty'))
        .replace(/\$\$/g, '$');
      const r = spawnSync('sh', ['-c', script], { env: { PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stdout).not.toContain('started');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('in compose, runs the demo without a Cursor key: auth enforced with the generated token, the HEALTHCHECK command passes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-exporter-'));
    // The tokens as the secrets service writes them with no .env.
    const secrets = path.join(dir, 'secrets');
    fs.mkdirSync(secrets);
    expect(writeSecrets(secrets).status).toBe(0);
    const token = secretFile(secrets, 'api_token');
    // The installed CLI, as the image links it, here running the TypeScript sources.
    fs.writeFileSync(
      path.join(dir, 'cursor-usage-exporter'),
      `#!/bin/sh\nexec "${path.join(ROOT, 'node_modules/.bin/tsx')}" "${path.join(ROOT, 'exporter/src/main.ts')}" "$@"\n`,
      { mode: 0o755 },
    );
    const port = await freePort();
    const env = Object.fromEntries(
      Object.entries(services.exporter.environment!).map(([k, v]) => [k, interpolate(v, secretEnv())]),
    );
    expect(env.CURSOR_ADMIN_API_KEY).toBe('');
    // Tests bind loopback only; Alertmanager is not running here.
    Object.assign(env, {
      HOST: '127.0.0.1',
      PORT: String(port),
      ALERTMANAGER_URL: '',
      LOG_LEVEL: 'warn',
      PATH: `${dir}:${process.env.PATH}`,
    });
    const { child, output, kill } = runScript(
      (services.exporter.command as string[])[2].replaceAll(SECRETS_DIR, secrets),
      env,
      dir,
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForOk(`${base}/readyz`, child, output);
      expect(output()).toContain('demo');
      expect((await fetch(`${base}/api/v1/health`)).status).toBe(401);
      const health = await fetch(`${base}/api/v1/health`, { headers: { authorization: `Bearer ${token}` } });
      expect(health.status).toBe(200);
      expect(((await health.json()) as { auth: string }).auth).toBe('on');
      expect(output()).not.toContain(token);
      // The Dockerfile's HEALTHCHECK, exactly as written, against this exporter and against nothing.
      const check = JSON.parse(/^\s+CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
      expect(spawnSync(check[0], check.slice(1), { env: { ...process.env, PORT: String(port) } }).status).toBe(0);
      expect(
        spawnSync(check[0], check.slice(1), { env: { ...process.env, PORT: String(await freePort()) } }).status,
      ).toBe(1);
    } finally {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('the stack configuration', () => {
  const promtool = binaryAvailable(PROMTOOL_BIN);
  (promtool ? it : it.skip)(
    'Prometheus: the mounted config and rules pass promtool as the container sees them, and scrape the exporter service',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-prometheus-'));
      try {
        layOut('prometheus', dir);
        const configIn = containerPathOf('prometheus', path.normalize('provisioning/prometheus/prometheus.yml'));
        // Container-absolute paths in the config point into the laid-out copy.
        const config = path.join(dir, configIn);
        fs.writeFileSync(
          config,
          fs.readFileSync(config, 'utf8').replace(/(["'\s])\/etc\/prometheus\//g, `$1${dir}/etc/prometheus/`),
        );
        const r = spawnSync(PROMTOOL_BIN, ['check', 'config', config], { encoding: 'utf8' });
        expect({ code: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ code: 0, out: '' });
        expect(r.stdout).toMatch(/SUCCESS: [1-9]\d* rule files found/);

        const parsed = YAML.parse(read('provisioning/prometheus/prometheus.yml')) as {
          scrape_configs: { static_configs?: { targets: string[] }[] }[];
          alerting?: { alertmanagers: { static_configs?: { targets: string[] }[] }[] };
        };
        const scraped = parsed.scrape_configs.flatMap((s) => (s.static_configs ?? []).flatMap((c) => c.targets));
        expect(scraped).toContain('exporter:9464');
        const alertmanagers = (parsed.alerting?.alertmanagers ?? []).flatMap((a) =>
          (a.static_configs ?? []).flatMap((c) => c.targets),
        );
        expect(alertmanagers).toContain('alertmanager:9093');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  const amtool = binaryAvailable(AMTOOL_BIN);
  (amtool ? it : it.skip)(
    'Alertmanager: the mounted config passes amtool, and every secret file it reads is written by the entrypoint',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-alertmanager-'));
      try {
        layOut('alertmanager', dir);
        const configIn = containerPathOf(
          'alertmanager',
          path.normalize('alerting-rules/alertmanager/alertmanager.yml'),
        );
        const config = path.join(dir, configIn);
        fs.writeFileSync(
          config,
          fs.readFileSync(config, 'utf8').replace(/(["'\s])\/etc\/alertmanager\//g, `$1${dir}/etc/alertmanager/`),
        );
        const r = spawnSync(AMTOOL_BIN, ['check-config', config], { encoding: 'utf8' });
        expect({ code: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ code: 0, out: '' });

        const parsed = YAML.parse(read('alerting-rules/alertmanager/alertmanager.yml')) as unknown;
        const secretFiles = [...entries(parsed)].filter(([k]) => k.endsWith('_file')).map(([, v]) => String(v));
        expect(secretFiles.length).toBeGreaterThan(0);
        const entrypoint = (services.alertmanager.entrypoint as string[]).join('\n');
        for (const f of secretFiles) expect(entrypoint).toContain(`> ${f}\n`);
        const tmpfs = (services.alertmanager.tmpfs ?? []).map((t) => t.split(':')[0]);
        for (const f of secretFiles) expect(tmpfs).toContain(path.dirname(f));
        // The exporter's webhook token is the one the secrets service wrote, not a variable of .env.
        expect(entrypoint).toContain(
          `cat ${SECRETS_DIR}/alertmanager_webhook_token > /run/secrets/exporter_webhook_token\n`,
        );
        expect(services.alertmanager.environment).not.toHaveProperty('ALERTMANAGER_WEBHOOK_TOKEN');
        // The exporter's webhook receiver, reached by its compose service name.
        expect(JSON.stringify(parsed)).toContain('http://exporter:9464/api/v1/alertmanager');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  const alertmanager = binaryAvailable(ALERTMANAGER_BIN);
  (alertmanager ? it : it.skip)(
    'Alertmanager: the entrypoint writes the secrets from .env and the secrets volume, starts, and notifies Slack and the exporter with them',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-am-run-'));
      const received: { url: string; auth?: string; body: string }[] = [];
      const fake = http.createServer((req, res) => {
        let body = '';
        req.on('data', (b) => (body += b));
        req.on('end', () => {
          received.push({ url: req.url!, auth: req.headers.authorization, body });
          res.end('ok');
        });
      });
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
      const fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
      const port = await freePort();
      // The container's paths, moved into the temp dir; the exporter's service name is the fake.
      const moved = (text: string) =>
        text
          .replace(/\/run\/secrets\//g, `${dir}/run/secrets/`)
          .replaceAll(`${SECRETS_DIR}/`, `${dir}${SECRETS_DIR}/`)
          .replace(/\/etc\/alertmanager\//g, `${dir}/etc/alertmanager/`)
          .replace(/--storage\.path=\/alertmanager/g, `--storage.path=${dir}/data`)
          .replace(/http:\/\/exporter:9464/g, fakeUrl);
      let run: ReturnType<typeof runScript> | undefined;
      try {
        layOut('alertmanager', dir);
        for (const t of services.alertmanager.tmpfs ?? [])
          fs.mkdirSync(path.join(dir, t.split(':')[0]), { recursive: true });
        // The volume as the secrets service left it with no .env: a generated webhook token.
        fs.mkdirSync(path.join(dir, SECRETS_DIR), { recursive: true });
        expect(writeSecrets(path.join(dir, SECRETS_DIR)).status).toBe(0);
        const webhookToken = secretFile(path.join(dir, SECRETS_DIR), 'alertmanager_webhook_token');
        const config = path.join(
          dir,
          containerPathOf('alertmanager', path.normalize('alerting-rules/alertmanager/alertmanager.yml')),
        );
        // Notify at once instead of after the production group_wait.
        fs.writeFileSync(config, moved(fs.readFileSync(config, 'utf8')).replace(/group_wait: \d+s/g, 'group_wait: 0s'));
        const vars = {
          SLACK_WEBHOOK_URL: `${fakeUrl}/slack`,
          SLACK_WEBHOOK_URL_LEAD_MOBILE: `${fakeUrl}/lead`,
          PAGERDUTY_ROUTING_KEY: 'pd-routing-key',
          ALERTMANAGER_EXTERNAL_URL: `http://127.0.0.1:${port}`,
        };
        const env = Object.fromEntries(
          Object.entries(services.alertmanager.environment!).map(([k, v]) => [k, interpolate(v, vars)]),
        );
        const script = moved((services.alertmanager.entrypoint as string[])[2]).replace(
          /exec \/bin\/alertmanager (.*)$/m,
          `exec ${ALERTMANAGER_BIN} $1 --web.listen-address=127.0.0.1:${port} --cluster.listen-address=`,
        );
        run = runScript(script, env, dir);
        await waitForOk(`http://127.0.0.1:${port}/-/ready`, run.child, run.output);

        expect(fs.readFileSync(`${dir}/run/secrets/slack_webhook_url`, 'utf8')).toBe(`${fakeUrl}/slack`);
        expect(fs.readFileSync(`${dir}/run/secrets/pagerduty_routing_key`, 'utf8')).toBe('pd-routing-key');
        expect(fs.readFileSync(`${dir}/run/secrets/exporter_webhook_token`, 'utf8')).toBe(webhookToken);
        expect(fs.statSync(`${dir}/run/secrets/exporter_webhook_token`).mode & 0o077).toBe(0);
        // The shell exec'd Alertmanager in place: its environment no longer holds the secrets.
        const environ = fs.readFileSync(`/proc/${run.child.pid}/environ`, 'utf8');
        expect(environ).toContain('ALERTMANAGER_EXTERNAL_URL=');
        expect(environ).not.toContain(webhookToken);
        expect(environ).not.toContain('pd-routing-key');

        const alert = {
          labels: {
            alertname: 'CursorUserSpendSpike',
            detector: 'spend_spike',
            severity: 'warning',
            subject: 'user',
            user: 'ada@acme.dev',
            group: 'Data > ML',
          },
          annotations: { summary: 'Daily spend spiked.' },
        };
        const posted = await fetch(`http://127.0.0.1:${port}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([alert]),
        });
        expect(posted.status).toBe(200);
        for (
          let i = 0;
          !(received.some((r) => r.url === '/slack') && received.some((r) => r.url === '/api/v1/alertmanager'));
          i++
        ) {
          if (i > 120)
            throw new Error(`notifications missing: ${JSON.stringify(received.map((r) => r.url))}\n${run.output()}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        const webhook = received.find((r) => r.url === '/api/v1/alertmanager')!;
        expect(webhook.auth).toBe(`Bearer ${webhookToken}`);
        expect(JSON.parse(webhook.body).alerts[0].labels.user).toBe('ada@acme.dev');
        expect(received.find((r) => r.url === '/slack')!.body).toContain('ada@acme.dev');
        expect(received.some((r) => r.url === '/lead')).toBe(false);
      } finally {
        await run?.kill();
        await new Promise((r) => fake.close(r));
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('Grafana: datasources of our plugin type, Prometheus and Alertmanager under the contract UIDs, with the API token from the secrets volume', () => {
    const files = fs.readdirSync(path.join(ROOT, 'provisioning/grafana/datasources'));
    const sources = files.flatMap(
      (f) =>
        (YAML.parse(read(`provisioning/grafana/datasources/${f}`)) as { datasources: Record<string, unknown>[] })
          .datasources,
    );
    const byUid = Object.fromEntries(sources.map((s) => [s.uid as string, s]));
    // $__file{} reads the file the secrets service writes, where Grafana mounts the volume.
    expect(byUid['cursor-usage']).toMatchObject({
      type: PLUGIN_ID,
      url: 'http://exporter:9464',
      secureJsonData: { apiToken: `$__file{${SECRETS_DIR}/api_token}` },
    });
    expect(volumeMount('grafana', SECRETS_VOLUME)?.path).toBe(SECRETS_DIR);
    // Every setting the plugin's proxy routes template in is provisioned.
    const routes = JSON.stringify((JSON.parse(read('grafana-plugin/src/plugin.json')) as { routes: unknown[] }).routes);
    const templated = [...routes.matchAll(/\{\{ \.(JsonData|SecureJsonData)\.(\w+) \}\}/g)].map((m) => [
      m[1] === 'JsonData' ? 'jsonData' : 'secureJsonData',
      m[2],
    ]);
    expect(templated).toContainEqual(['jsonData', 'url']);
    for (const [section, key] of templated) {
      expect({
        section,
        key,
        value: (byUid['cursor-usage'][section] as Record<string, string> | undefined)?.[key],
      }).toEqual({ section, key, value: expect.any(String) });
    }
    expect((byUid['cursor-usage'].jsonData as { url: string }).url).toBe('http://exporter:9464');
    expect(byUid.prometheus).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    expect(byUid.alertmanager).toMatchObject({
      type: 'alertmanager',
      url: 'http://alertmanager:9093',
      jsonData: { implementation: 'prometheus' },
    });
    const env = services.grafana.environment!;
    expect(env).not.toHaveProperty('API_TOKEN');
    // No password to set first: Grafana's own admin/admin (changed at the first login) unless .env sets one.
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD:-admin}');
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',')).toContain(PLUGIN_ID);
    expect(containerPathOf('grafana', path.normalize('provisioning/grafana'))).toBe('/etc/grafana/provisioning');
  });

  it('Grafana: the image has our plugin, built by the Dockerfile as `npm run build -w grafana-plugin` does, outside every volume', () => {
    const dockerfile = read('Dockerfile');
    const stage = (name: string) => {
      const start = dockerfile.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
      expect(start).toBeGreaterThanOrEqual(0);
      const next = dockerfile.slice(start + 1).search(/^FROM /m);
      return dockerfile.slice(start, next < 0 ? undefined : start + 1 + next);
    };
    // The plugin stage installs the plugin's workspace with the root lockfile and devDependencies (adm-zip), then builds.
    const plugin = stage('plugin');
    expect(plugin).toMatch(/^RUN npm ci .*--include-workspace-root .*-w grafana-plugin/m);
    expect(plugin).toMatch(/^RUN npm run build -w grafana-plugin$/m);
    expect(read('grafana-plugin/package.json')).toMatch(/"build": "webpack .* && node scripts\/package\.js"/);
    expect(read('grafana-plugin/scripts/package.js')).toContain("require('adm-zip')");
    expect(read('grafana-plugin/.config/bundler/constants.ts')).toContain("export const DIST_DIR = 'dist';");
    // The plugin imports the exporter's API schemas; the stage copies them.
    expect(plugin).toContain('COPY exporter/src/schemas/ exporter/src/schemas/');
    expect(read('grafana-plugin/src/datasource.ts')).toContain("from '../../exporter/src/schemas'");

    const grafana = stage('grafana');
    const pluginsDir = /^ENV GF_PATHS_PLUGINS=(\S+)$/m.exec(grafana)![1];
    expect(grafana).toContain(`COPY --from=plugin /app/grafana-plugin/dist ${pluginsDir}/${PLUGIN_ID}\n`);
    // A volume over the plugins folder would keep the plugin of the first image forever.
    for (const v of services.grafana.volumes ?? []) expect(pluginsDir.startsWith(`${v.split(':')[1]}/`)).toBe(false);
    expect(services.grafana.environment).not.toHaveProperty('GF_PATHS_PLUGINS');
  });

  it('.dockerignore sends the sources both images build from, and no build output, dependencies or .env', () => {
    // Docker's rules: patterns from the context root, `**` any depth, a later `!` re-includes, a folder excludes what it holds.
    const rules = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const negate = l.startsWith('!');
        const glob = (negate ? l.slice(1) : l).replace(/^\//, '');
        const re = glob
          .split('/')
          .map((part) =>
            part === '**'
              ? '.*'
              : part
                  .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                  .replace(/\*/g, '[^/]*')
                  .replace(/\?/g, '[^/]'),
          )
          .join('/')
          .replace(/\.\*\//g, '(?:.*/)?');
        return { negate, re: new RegExp(`^${re}(?:/.*)?$`) };
      });
    const excluded = (p: string) => rules.reduce((out, r) => (r.re.test(p) ? !r.negate : out), false);
    const sent = [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      'exporter/package.json',
      'exporter/src/main.ts',
      'exporter/src/schemas/index.ts',
      'grafana-plugin/package.json',
      'grafana-plugin/src/plugin.json',
      'grafana-plugin/src/module.ts',
      'grafana-plugin/.config/webpack/webpack.config.ts',
      'grafana-plugin/scripts/package.js',
      'grafana-plugin/README.md',
      'grafana-plugin/LICENSE',
      'grafana-plugin/CHANGELOG.md',
      'grafana-plugin/tsconfig.json',
    ];
    for (const p of sent)
      expect({ p, exists: fs.existsSync(path.join(ROOT, p)), excluded: excluded(p) }).toEqual({
        p,
        exists: true,
        excluded: false,
      });
    for (const p of [
      'node_modules/x/index.js',
      'grafana-plugin/node_modules/x/index.js',
      'grafana-plugin/dist/module.js',
      'exporter/dist/main.js',
      '.env',
      'data/demo.db',
      'exporter/src/api/auth.test.ts',
      '.git/HEAD',
    ]) {
      expect({ p, excluded: excluded(p) }).toEqual({ p, excluded: true });
    }
  });

  it('Grafana: loads the generated dashboards, and every datasource UID they use is provisioned', () => {
    const provider = (
      YAML.parse(read('provisioning/grafana/dashboards/cursor-usage.yml')) as {
        providers: { type: string; options: { path: string } }[];
      }
    ).providers[0];
    expect(provider.type).toBe('file');
    expect(containerPathOf('grafana', path.normalize('dashboards/generated'))).toBe(provider.options.path);
    expect(services.grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      `${provider.options.path}/cursor-overview.json`,
    );

    const provisioned = new Set(
      fs.readdirSync(path.join(ROOT, 'provisioning/grafana/datasources')).flatMap((f) =>
        (
          YAML.parse(read(`provisioning/grafana/datasources/${f}`)) as {
            datasources: { uid: string; type: string }[];
          }
        ).datasources.map((s) => `${s.type}/${s.uid}`),
      ),
    );
    const dashboards = fs.readdirSync(path.join(ROOT, 'dashboards/generated')).filter((f) => f.endsWith('.json'));
    expect(dashboards).toContain('cursor-overview.json');
    const used = new Set<string>();
    for (const f of dashboards) {
      for (const [k, v] of entries(JSON.parse(read(`dashboards/generated/${f}`)))) {
        if (k === 'datasource' && v && typeof v === 'object')
          used.add(`${(v as { type: string }).type}/${(v as { uid: string }).uid}`);
      }
    }
    expect(used.size).toBe(2);
    for (const u of used) expect(provisioned).toContain(u);
  });
});
