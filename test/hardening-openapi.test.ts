/**
 * The OpenAPI document at /docs/json passes a third-party linter: Redocly's engine
 * (@redocly/openapi-core, what `redocly lint` runs) with its `recommended` rules — servers, a
 * license, an operationId on every operation, a 4xx response on each — offline.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auth, buildTestApp, seedTeam } from '../exporter/src/api/testing';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..');
// The engine is ESM-only, so it runs in a plain node child rather than under jest's CommonJS.
const LINT = `
import { createConfig, lintFromString } from '@redocly/openapi-core';
import fs from 'node:fs';
const file = process.argv[1];
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source: fs.readFileSync(file, 'utf8'), absoluteRef: file, config });
process.stdout.write(JSON.stringify(problems.map((p) => ({ rule: p.ruleId, severity: p.severity, message: p.message, at: p.location[0]?.pointer }))));
`;

function lint(file: string): Promise<{ rule: string; severity: string; message: string; at: string }[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', LINT, file],
      { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off' } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    );
  });
}

describe('the OpenAPI document', () => {
  let dir: string;
  let doc: { info: Record<string, unknown>; paths: Record<string, Record<string, { operationId?: string }>> };

  beforeAll(async () => {
    const { app, base } = await buildTestApp(seedTeam());
    try {
      doc = (await (await fetch(`${base}/docs/json`, { headers: auth })).json()) as typeof doc;
    } finally {
      await app.close();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-openapi-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("has no problem under Redocly's recommended rules", async () => {
    const file = path.join(dir, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    expect(await lint(file)).toEqual([]);
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.length).toBeGreaterThan(30);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the linter does report what the rules forbid (so the check above can fail)', async () => {
    const file = path.join(dir, 'broken.json');
    const first = Object.values(Object.values(doc.paths)[0])[0];
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...doc,
        info: { ...doc.info, license: undefined },
        servers: undefined,
        paths: { ...doc.paths, [Object.keys(doc.paths)[0]]: { get: { ...first, operationId: undefined } } },
      }),
    );
    const rules = (await lint(file)).map((p) => p.rule);
    expect(rules).toEqual(expect.arrayContaining(['info-license', 'no-empty-servers', 'operation-operationId']));
  });
});
