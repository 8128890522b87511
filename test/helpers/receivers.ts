/**
 * Loopback stand-ins for the services Alertmanager notifies: one HTTP server that records every
 * request and answers like Slack's incoming webhooks ("ok") and PagerDuty's Events API v2 (202 with a
 * dedup key), so a test can assert on exactly what Alertmanager sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  at: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface Recorder {
  url: string;
  received: Received[];
  /** Resolves with the first request (already received or still to come) matching `ok`. */
  waitFor(ok: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, body });
      for (const w of waiters) w();
      if ((req.url ?? '').startsWith('/v2/enqueue')) {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: 'test' }));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const waitFor: Recorder['waitFor'] = (ok, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = received.find(ok);
        if (!hit) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `no matching request within ${timeoutMs} ms; got ${received.map((r) => r.path).join(', ') || 'nothing'}`,
          ),
        );
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
