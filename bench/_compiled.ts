import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..');
// Inside the repository, so the compiled files resolve node_modules as the sources do.
const OUT = path.join(ROOT, 'node_modules/.cache/bench-harness');

/**
 * A bench harness (bench/tsconfig.harness.json lists them) compiled to JavaScript with what it
 * imports, so the process it measures runs like the built exporter: under tsx its RSS also held the
 * loader's thread and the transformed sources (~60 MB). Returns the compiled file's path.
 */
export async function compiledHarness(file: string): Promise<string> {
  await promisify(execFile)(process.execPath, [
    require.resolve('typescript/bin/tsc'),
    '-p',
    path.join(__dirname, 'tsconfig.harness.json'),
    '--outDir',
    OUT,
  ]);
  return path.join(OUT, 'bench', file.replace(/\.ts$/, '.js'));
}
