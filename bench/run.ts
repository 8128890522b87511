/**
 * Benchmark runner: `npm run bench` runs every bench/NAME.ts, `npm run bench -- NAME` runs one.
 * Each module exports `run()` which prints a human summary and returns its figures; the runner
 * writes them to bench/results/NAME.json with the date and machine, so runs can be compared.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = __dirname;

function available(): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const all = available();
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
    process.exit(2);
  }
  fs.mkdirSync(path.join(dir, 'results'), { recursive: true });
  for (const name of names.length > 0 ? names : all) {
    console.error(`\n=== bench ${name} ===`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, name)) as { run: () => Promise<Record<string, unknown>> };
    const figures = await mod.run();
    const record = {
      ...figures,
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
    };
    const out = path.join(dir, 'results', `${name}.json`);
    fs.writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
    console.error(`wrote ${path.relative(process.cwd(), out)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
