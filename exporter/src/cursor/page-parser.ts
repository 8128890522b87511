/**
 * Usage-event pages parsed on the second core. Ingest is bound by the thread that writes SQLite,
 * so JSON.parse, schema validation, normalisation and hashing of a page (parse-worker.ts) run in a
 * worker thread while this thread inserts earlier pages. A page goes over as the response bytes
 * (transferred, not copied) and comes back as an EventBatch whose numbers are transferred too.
 * Replies come back in request order; a malformed page rejects with the same CursorError
 * ('invalid-response', naming the JSON path) the synchronous parser throws.
 */
import { Worker } from 'node:worker_threads';
import type { EventBatch } from '../domain/event-batch';
import { workerSource } from '../domain/worker-source';
import { CursorError, type CursorErrorKind } from './errors';
import type { PageInfo } from './normalize';

export interface ParsedEventsPage {
  batch: EventBatch;
  pagination: PageInfo;
  total: number;
}

/** A CursorError's fields, or the message of anything else thrown, as plain data. */
export type PageFailure =
  { reason: string; kind: CursorErrorKind; endpoint: string; path?: string } | { message: string };

/** A parsed page, a failed one, or (once, first) the worker's word that its code is loaded. */
export type PageReply = ({ ok: true } & ParsedEventsPage) | { ok: false; error: PageFailure } | { ready: true };

function toError(f: PageFailure): Error {
  if ('message' in f) return new Error(`usage-events parse worker: ${f.message}`);
  return new CursorError(f.reason, { kind: f.kind, endpoint: f.endpoint, path: f.path });
}

export class EventPageParser {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (p: ParsedEventsPage) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  private readonly loaded: Promise<void>;
  private settleLoaded: (err?: Error) => void = () => {};

  constructor() {
    this.loaded = new Promise((resolve, reject) => {
      this.settleLoaded = (err) => (err === undefined ? resolve() : reject(err));
    });
    this.loaded.catch(() => {}); // a failure also reaches every parse(); ready() is optional
    this.worker = new Worker(workerSource(__filename, 'parse-worker'), { eval: true });
    this.worker.unref(); // only pending pages keep the process alive (see parse)
    this.worker.on('message', (reply: PageReply) => {
      if ('ready' in reply) return this.settleLoaded();
      const next = this.waiting.shift();
      if (this.waiting.length === 0) this.worker.unref();
      if (next === undefined) return;
      if (reply.ok) next.resolve({ batch: reply.batch, pagination: reply.pagination, total: reply.total });
      else next.reject(toError(reply.error));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`usage-events parse worker exited (code ${code})`)));
  }

  /** True once the worker died or was closed: a new parser is needed. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /**
   * Parses one page of POST /teams/filtered-usage-events. Bytes that own their whole buffer (a
   * response body) are moved to the worker and unusable here afterwards; other bodies are copied.
   */
  parse(body: Uint8Array | string): Promise<ParsedEventsPage> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.ref();
      if (typeof body === 'string') return this.worker.postMessage(body);
      const owned =
        body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
      if (owned) this.worker.postMessage(body.buffer, [body.buffer as ArrayBuffer]);
      else this.worker.postMessage(body.slice().buffer);
    });
  }

  /** Resolves once the worker has loaded its code (about 150 ms under tsx). Pages may be queued before. */
  ready(): Promise<void> {
    return this.loaded;
  }

  async close(): Promise<void> {
    this.fail(new Error('usage-events parse worker closed'));
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.settleLoaded(this.failure);
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}

let shared: EventPageParser | undefined;

/**
 * The process's parser, started on first use. The worker is stateless, so every client shares
 * it; idle, it does not keep the process alive. A worker that died is replaced.
 */
export function sharedPageParser(): EventPageParser {
  if (shared === undefined || shared.failed) shared = new EventPageParser();
  return shared;
}
