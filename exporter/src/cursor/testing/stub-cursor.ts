/**
 * A scriptable stand-in for api.cursor.com, for the client's own tests (the full simulator lives
 * in src/simulator). Each route gets a handler receiving the 1-based count of calls to it; every
 * request is recorded with its headers and body so tests can assert exactly what was sent.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type StubHandler = (req: FastifyRequest, reply: FastifyReply, call: number) => unknown;

export interface StubCursor {
  url: string;
  requests: RecordedRequest[];
  /** Sets the handler of 'METHOD /path' and resets its call count. */
  on(route: string, handler: StubHandler): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startStubCursor(): Promise<StubCursor> {
  const app = Fastify();
  const requests: RecordedRequest[] = [];
  const handlers = new Map<string, { handler: StubHandler; calls: number }>();
  app.all('/*', async (req, reply) => {
    const path = req.url.split('?')[0];
    requests.push({
      method: req.method,
      path,
      query: req.query as Record<string, string>,
      headers: req.headers,
      body: req.body,
    });
    const entry = handlers.get(`${req.method} ${path}`);
    if (entry === undefined) return reply.code(404).send({ error: 'Not Found', message: 'Resource not found' });
    entry.calls += 1;
    return entry.handler(req, reply, entry.calls);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('stub did not bind a TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    on(route, handler) {
      handlers.set(route, { handler, calls: 0 });
    },
    reset() {
      handlers.clear();
      requests.length = 0;
    },
    close: () => app.close(),
  };
}
