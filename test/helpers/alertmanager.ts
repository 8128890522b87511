/**
 * Real Alertmanager (Debian's /usr/bin/prometheus-alertmanager) for integration tests, on a free
 * loopback port with its own temp dir and HA gossip off (--cluster.listen-address=), see
 * ../../../shared/reference/prometheus-alertmanager.md §2.1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnDaemon } from './prometheus';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

export interface AlertmanagerHandle {
  url: string;
  hostPort: string;
  /** Creates a silence through the v2 API; returns its id. */
  silence(matchers: { name: string; value: string }[], comment: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startAlertmanager(configYaml: string): Promise<AlertmanagerHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cus-am-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), configYaml);
  const { child, stop } = spawnDaemon(ALERTMANAGER_BIN, dir, 'alertmanager', [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    `--web.external-url=http://127.0.0.1:${port}/`,
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`alertmanager exited early: ${fs.readFileSync(path.join(dir, 'alertmanager.log'), 'utf8')}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('alertmanager did not become ready');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const silence: AlertmanagerHandle['silence'] = async (matchers, comment) => {
    const now = Date.now();
    const res = await fetch(`${url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: matchers.map((m) => ({ ...m, isRegex: false, isEqual: true })),
        startsAt: new Date(now - 1000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        createdBy: 'test',
        comment,
      }),
    });
    if (!res.ok) throw new Error(`silence: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { silenceID: string }).silenceID;
  };
  return { url, hostPort: `127.0.0.1:${port}`, silence, stop };
}
