/**
 * Worker-thread entry of page-parser.ts: parses, validates, normalises and keys usage-event pages
 * with the same code the client runs on the main thread (normalize.ts, store/event-key.ts), and
 * posts each page back as EventColumns with its number array transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { EventKeyer } from '../store/event-key';
import { eventColumns } from '../store/usage-events';
import { CursorError } from './errors';
import { parseUsageEventsPage } from './normalize';
import type { PageReply, PageRequest } from './page-parser';

const port = parentPort;
if (port === null) throw new Error('parse-worker.ts runs only as a worker thread (see page-parser.ts)');

let keyer = new EventKeyer();

port.on('message', ({ json, newWindow }: PageRequest) => {
  // A window's keys (the ordinals of repeated events) continue across its pages.
  if (newWindow) keyer = new EventKeyer();
  let reply: PageReply;
  try {
    const page = parseUsageEventsPage(json);
    reply = { ok: true, columns: eventColumns(page.events, keyer), pagination: page.pagination, total: page.total };
  } catch (err) {
    if (!(err instanceof CursorError)) {
      reply = { ok: false, error: { message: err instanceof Error ? err.message : String(err) } };
    } else {
      reply = { ok: false, error: { reason: err.reason, kind: err.kind, endpoint: err.endpoint, path: err.path } };
    }
  }
  port.postMessage(reply, reply.ok ? [reply.columns.nums.buffer as ArrayBuffer] : []);
});

port.postMessage({ ready: true } satisfies PageReply);
