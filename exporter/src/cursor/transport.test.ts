/** Retry, timeout and secrecy behaviour of the client, end to end against a stub on 127.0.0.1. */
import Fastify, { type FastifyRequest } from 'fastify';
import type { CursorApi } from './api';
import { createCursorClient, type CursorClientOptions } from './client';
import { CursorError } from './errors';
import { recordingClientOptions, useStubCursor, type ClientRecording } from './testing/test-client';

const KEY = 'crsr_0123456789abcdefSECRETSECRETSECRET0123456789abcdefSECRETSECRET';
const KEY_B64 = Buffer.from(`${KEY}:`).toString('base64');
const MEMBERS = { teamMembers: [{ id: 'user_a', email: 'a@acme.io' }] };

const stub = useStubCursor();
const rec: ClientRecording = { calls: [], sleeps: [], logs: [] };
const { calls, sleeps, logs } = rec;
let clock: number;

function client(extra: Partial<CursorClientOptions> = {}): CursorApi {
  clock = Date.parse('2026-03-02T12:00:00.000Z');
  return createCursorClient({ ...recordingClientOptions(stub.url, rec), adminKey: KEY, now: () => clock, ...extra });
}

/** Never answers on its own; ends when the client gives up and closes the socket. */
function hang(req: FastifyRequest): Promise<void> {
  return new Promise((resolve) => req.raw.socket.once('close', () => resolve()));
}

/** Answers `statuses` in turn (then 200 with MEMBERS); 429s carry `retryAfter` when given. */
function script(statuses: number[], retryAfter?: string) {
  stub.on('GET /teams/members', (_req, reply, n) => {
    const status = statuses[n - 1];
    if (status === undefined) return MEMBERS;
    if (status === 429 && retryAfter !== undefined) reply.header('retry-after', retryAfter);
    const body =
      status === 429
        ? { code: 'error', message: 'Rate limit exceeded' }
        : { error: 'Internal Server Error', message: 'An unexpected error occurred' };
    return reply.code(status).send(body);
  });
}

describe('429', () => {
  it('honours Retry-After in seconds', async () => {
    script([429], '7');
    await expect(client().members()).resolves.toHaveLength(1);
    expect(sleeps).toEqual([7000]);
    expect(calls.map((c) => [c.status, c.attempt])).toEqual([
      [429, 1],
      [200, 2],
    ]);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    script([429], 'Mon, 02 Mar 2026 12:00:42 GMT');
    await client().members();
    expect(sleeps).toEqual([42_000]);
  });

  it('without Retry-After backs off exponentially with full jitter (1, 2, 4 s ceilings)', async () => {
    script([429, 429, 429]);
    await client().members();
    expect(sleeps).toEqual([500, 1000, 2000]); // random() = 0.5 of each ceiling
  });

  it('gives up as rate-limited after the bounded number of retries', async () => {
    script([429, 429, 429, 429], '1');
    const err: CursorError = await client({ maxRateLimitRetries: 2 })
      .members()
      .catch((e) => e);
    expect(err).toMatchObject({
      kind: 'rate-limited',
      status: 429,
      attempts: 3,
      upstreamMessage: 'Rate limit exceeded',
    });
    expect(sleeps).toEqual([1000, 1000]);
    expect(stub.requests).toHaveLength(3);
  });

  it('fails at once when Retry-After exceeds what the client is willing to wait', async () => {
    script([429], '3600');
    await expect(client().members()).rejects.toMatchObject({ kind: 'rate-limited', attempts: 1 });
    expect(sleeps).toEqual([]);
  });
});

describe('5xx, network errors and timeouts', () => {
  it('retries 5xx with backoff, then succeeds', async () => {
    script([503, 500]);
    await expect(client().members()).resolves.toHaveLength(1);
    expect(sleeps).toEqual([500, 1000]);
    expect(calls.map((c) => [c.status, c.attempt])).toEqual([
      [503, 1],
      [500, 2],
      [200, 3],
    ]);
    expect(logs).toHaveLength(2);
  });

  it('gives up after maxRetries with the upstream message', async () => {
    script([502, 502, 502, 502]);
    const err: CursorError = await client({ maxRetries: 2 })
      .members()
      .catch((e) => e);
    expect(err).toBeInstanceOf(CursorError);
    expect(err).toMatchObject({
      kind: 'http',
      status: 502,
      attempts: 3,
      upstreamMessage: 'An unexpected error occurred',
      endpoint: 'GET /teams/members',
    });
    expect(err.message).toBe('GET /teams/members: HTTP 502 after 3 attempts: An unexpected error occurred');
  });

  it('retries a timeout, then succeeds', async () => {
    stub.on('GET /teams/members', async (req, _reply, n) => {
      if (n === 1) await hang(req);
      return MEMBERS;
    });
    // Generous for the fast second answer on a loaded machine; the first attempt costs exactly this.
    await expect(client({ timeoutMs: 250 }).members()).resolves.toHaveLength(1);
    expect(calls.map((c) => [c.status, c.attempt])).toEqual([
      [0, 1],
      [200, 2],
    ]);
    expect(sleeps).toEqual([500]);
  });

  it('reports persistent timeouts as kind timeout', async () => {
    stub.on('GET /teams/members', async (req) => {
      await hang(req);
      return MEMBERS;
    });
    const err: CursorError = await client({ timeoutMs: 20, maxRetries: 1 })
      .members()
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'timeout', status: 0, attempts: 2 });
    expect(err.message).toBe('GET /teams/members: timed out after 20 ms');
  });

  it('retries network errors and then reports them', async () => {
    const dead = Fastify();
    await dead.listen({ host: '127.0.0.1', port: 0 });
    const { port } = dead.server.address() as { port: number };
    await dead.close();
    const err: CursorError = await client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 })
      .members()
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'network', attempts: 2 });
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(calls.map((c) => c.status)).toEqual([0, 0]);
  });
});

describe('other 4xx', () => {
  it('fails immediately with the upstream message', async () => {
    stub.on('POST /teams/daily-usage-data', (_req, reply) =>
      reply.code(400).send({ error: 'Bad Request', message: 'Date range cannot exceed 30 days' }),
    );
    const it = client().dailyUsage(0, 1000)[Symbol.asyncIterator]();
    const err: CursorError = await it.next().catch((e) => e);
    expect(err).toMatchObject({
      kind: 'http',
      status: 400,
      attempts: 1,
      upstreamMessage: 'Date range cannot exceed 30 days',
    });
    expect(err.message).toBe('POST /teams/daily-usage-data: HTTP 400: Date range cannot exceed 30 days');
    expect(sleeps).toEqual([]);
    expect(stub.requests).toHaveLength(1);
  });
});

describe('secrecy', () => {
  function assertNoKey(value: unknown) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY_B64);
    expect(text).not.toContain('SECRETSECRET');
  }

  it('never puts the key in errors, logs or call reports, even when upstream echoes it', async () => {
    stub.on('GET /teams/members', (_req, reply) =>
      reply.code(401).send({ error: 'Unauthorized', message: `Invalid API key ${KEY} (${KEY_B64})` }),
    );
    stub.on('POST /teams/spend', (_req, reply, n) =>
      n === 1
        ? reply.code(500).send({ message: `boom ${KEY}` })
        : reply.header('content-type', 'application/json').send(`{"oops": "${KEY}`),
    );
    const api = client();
    const unauthorized: CursorError = await api.members().catch((e) => e);
    expect(unauthorized).toMatchObject({
      kind: 'http',
      status: 401,
      upstreamMessage: 'Invalid API key [REDACTED] ([REDACTED])',
    });
    const malformed: CursorError = await api.spend().catch((e) => e);
    expect(malformed.kind).toBe('invalid-response');
    for (const err of [unauthorized, malformed]) {
      assertNoKey(err.message);
      assertNoKey(err.stack);
      assertNoKey(err);
      assertNoKey(String(err));
    }
    expect(logs.length).toBeGreaterThan(0);
    assertNoKey(logs);
    assertNoKey(calls);
  });

  it('network errors carry no key either', async () => {
    const err: CursorError = await client({ baseUrl: 'http://127.0.0.1:1', maxRetries: 0 })
      .members()
      .catch((e) => e);
    expect(err.kind).toBe('network');
    assertNoKey(err.message);
    assertNoKey(err.stack);
    assertNoKey(err);
  });
});

describe('pacing', () => {
  it('waits for the client-side limiter and reports the wait per call', async () => {
    script([]);
    const api = client({ limits: { default: 20 }, sleep: async (ms) => void (sleeps.push(ms), (clock += ms)) });
    await api.members();
    await api.members();
    expect(calls.map((c) => c.rateLimitWaitMs)).toEqual([0, Math.ceil(60_000 / 19)]);
    expect(sleeps).toEqual([Math.ceil(60_000 / 19)]);
  });
});
