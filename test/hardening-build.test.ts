/**
 * The built CLI (README: `cursor-usage-exporter <command>` once built): the build config compiles,
 * the installed command's shim runs the compiled code, and the compiled demo collects and serves
 * (worker thread and migrations included, no tsx anywhere).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './helpers/prometheus';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..');
// Under the repository, so the compiled files resolve the workspace's node_modules.
const OUT = path.join(ROOT, '.tmp', `hardening-build-${process.pid}`);
const SHIM = path.join(ROOT, 'exporter', 'bin', 'cursor-usage-exporter.js');

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the built CLI', () => {
  let demo: ChildProcess | undefined;

  beforeAll(async () => {
    fs.rmSync(OUT, { recursive: true, force: true });
    // The build config, with only the output directory moved (other helpers may be using exporter/dist).
    const tsc = await run(process.execPath, [
      require.resolve('typescript/bin/tsc'),
      '-p',
      'exporter/tsconfig.build.json',
      '--outDir',
      path.join(OUT, 'dist'),
    ]);
    if (tsc.code !== 0) throw new Error(`build failed (${tsc.code}):\n${tsc.stdout}${tsc.stderr}`);
    // The shim finds dist/ beside its own bin/ directory, as in exporter/.
    fs.mkdirSync(path.join(OUT, 'bin'));
    fs.copyFileSync(SHIM, path.join(OUT, 'bin', 'cursor-usage-exporter.js'));
  });

  afterAll(() => {
    if (demo?.pid && demo.exitCode === null) process.kill(demo.pid, 'SIGKILL');
    fs.rmSync(OUT, { recursive: true, force: true });
  });

  it('leaves test helpers out of the output', () => {
    expect(fs.existsSync(path.join(OUT, 'dist', 'main.js'))).toBe(true);
    expect(fs.existsSync(path.join(OUT, 'dist', 'cursor', 'testing'))).toBe(false);
    expect(fs.existsSync(path.join(OUT, 'dist', 'api', 'testing.js'))).toBe(false);
  });

  it('is an executable installed command that runs the compiled CLI', async () => {
    expect(fs.statSync(SHIM).mode & 0o111).not.toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'exporter', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(path.resolve(ROOT, 'exporter', pkg.bin['cursor-usage-exporter'])).toBe(SHIM);
    const help = await run(path.join(OUT, 'bin', 'cursor-usage-exporter.js'), ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/backfill \[options\]/);
  });

  it('says how to build when dist/ is missing', async () => {
    const bare = path.join(OUT, 'unbuilt', 'bin');
    fs.mkdirSync(bare, { recursive: true });
    fs.copyFileSync(SHIM, path.join(bare, 'cursor-usage-exporter.js'));
    const res = await run(process.execPath, [path.join(bare, 'cursor-usage-exporter.js'), '--help']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/npm run build/);
  });

  it('runs the compiled demo: collects through the worker parser and serves metrics', async () => {
    const port = await freePort();
    const log: string[] = [];
    demo = spawn(process.execPath, [path.join(OUT, 'dist', 'main.js'), 'demo'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_PATH: path.join(OUT, 'demo.db'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
    demo.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    const base = `http://127.0.0.1:${port}`;
    for (;;) {
      if (demo.exitCode !== null) throw new Error(`demo exited ${demo.exitCode}:\n${log.join('')}`);
      const ready = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^cursor_exporter_last_collect_success 1$/m);
    expect(metrics).toMatch(/^cursor_usage_events_total\{/m);
    demo.kill('SIGTERM');
    await new Promise((r) => demo!.once('exit', r));
  });
});
