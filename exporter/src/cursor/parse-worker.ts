/**
 * Worker-thread entry of page-parser.ts: parses, validates and normalises a usage-events page with
 * the code the rest of the client uses (normalize.ts), turns it into an EventBatch (with each
 * event's hash) and posts it back with its number array transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { toEventBatch } from '../domain/event-batch';
import { CursorError } from './errors';
import { parseUsageEventsPage } from './normalize';
import type { PageReply } from './page-parser';

const port = parentPort;
if (port === null) throw new Error('parse-worker.ts runs only as a worker thread (see page-parser.ts)');

port.on('message', (body: ArrayBuffer | string) => {
  let reply: PageReply;
  try {
    const page = parseUsageEventsPage(typeof body === 'string' ? body : Buffer.from(body));
    reply = { ok: true, batch: toEventBatch(page.events), pagination: page.pagination, total: page.total };
  } catch (err) {
    if (!(err instanceof CursorError)) {
      reply = { ok: false, error: { message: err instanceof Error ? err.message : String(err) } };
    } else {
      reply = { ok: false, error: { reason: err.reason, kind: err.kind, endpoint: err.endpoint, path: err.path } };
    }
  }
  port.postMessage(reply, reply.ok ? [reply.batch.nums.buffer as ArrayBuffer] : []);
});

port.postMessage({ ready: true } satisfies PageReply);
