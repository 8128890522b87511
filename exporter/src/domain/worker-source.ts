import path from 'node:path';

/**
 * The `eval` source of a worker thread running the module `name` beside `file` (pass `__filename`).
 * Under tsx or jest that module is TypeScript that plain Node cannot load, so the worker registers
 * tsx first; a compiled build loads the compiled entry directly.
 */
export function workerSource(file: string, name: string): string {
  const entry = path.join(path.dirname(file), `${name}${path.extname(file)}`);
  const load = `require(${JSON.stringify(entry)});`;
  return entry.endsWith('.ts') ? `require('tsx/cjs/api').register(); ${load}` : load;
}
