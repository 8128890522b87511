/**
 * An unauthenticated JSON API can change settings and groups: the demo binds loopback unless HOST
 * is set, and a server without auth on a network interface refuses unless API_AUTH=off is explicit
 * (then it warns). The compose set-up (HOST=0.0.0.0, API_TOKEN set) keeps working.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { runDemo } from '../exporter/src/demo';
import { createLogger } from '../exporter/src/logger';
import { checkApiExposure, isLoopbackHost, serve } from '../exporter/src/server';

jest.setTimeout(120_000);

describe('JSON API exposure', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-exposure-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the demo listens on loopback when HOST is not set, and its banner says so', async () => {
    const writes: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    const handle = await runDemo({ PORT: '0', DATABASE_PATH: path.join(dir, 'demo.db'), LOG_LEVEL: 'silent' }).finally(
      () => write.mockRestore(),
    );
    try {
      const address = handle.app.server.address() as AddressInfo;
      expect(address.address).toBe('127.0.0.1');
      expect(writes.join('')).toContain(`http://127.0.0.1:${address.port}/metrics`);
      // Auth is off in the demo without API_TOKEN: loopback is what makes that acceptable.
      expect((await handle.app.inject({ method: 'GET', url: '/api/v1/settings' })).statusCode).toBe(200);
    } finally {
      await handle.close();
    }
  });

  it('the demo refuses a network HOST without API_TOKEN, before listening', async () => {
    await expect(
      runDemo({ PORT: '0', HOST: '0.0.0.0', DATABASE_PATH: path.join(dir, 'demo2.db'), LOG_LEVEL: 'silent' }),
    ).rejects.toThrow(/HOST=0\.0\.0\.0 .*without auth.*API_TOKEN.*API_AUTH=off/s);
  });

  it('serve with an explicit API_AUTH=off on a network interface starts but warns loudly', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    });
    const handle = await serve({
      env: {
        CURSOR_ADMIN_API_KEY: 'key_test_exposure',
        CURSOR_API_URL: 'http://127.0.0.1:9',
        DATABASE_PATH: path.join(dir, 'serve.db'),
        HOST: '0.0.0.0',
        API_AUTH: 'off',
      },
      logger,
      listen: false,
    });
    await handle.close();
    const warning = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => /API_AUTH=off on HOST=0\.0\.0\.0/.test(l.msg));
    expect(warning?.level).toBe(40);
  });

  it('decides per interface and auth mode', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'exporter', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
    // compose: HOST=0.0.0.0 with API_TOKEN (auth on) needs nothing.
    expect(checkApiExposure('0.0.0.0', 'on', {})).toBeUndefined();
    expect(checkApiExposure('127.0.0.1', 'off', {})).toBeUndefined();
    expect(() => checkApiExposure('0.0.0.0', 'off', {})).toThrow(/API_AUTH=off/);
    expect(checkApiExposure('0.0.0.0', 'off', { API_AUTH: 'off' })).toMatch(/API_AUTH=off on HOST=0\.0\.0\.0/);
  });
});
