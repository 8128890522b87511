/**
 * The request pipeline every simulated route goes through, in Cursor's order: latency, auth (401),
 * 429 storm, rate limit (429), injected 5xx / hang, the handler (400 on bad input), then
 * malformed or truncated bodies. Analytics responses carry an ETag; a matching If-None-Match
 * gets a 304, which does not count against the rate limit.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Faults } from './faults';
import type { FixedWindowLimiter, RateLimits } from './limits';

export type RouteKind = keyof RateLimits;

/** A 4xx from a handler: status and the documented `{error, message}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'Bad Request', message);

export interface Built {
  body: Record<string, unknown>;
  /** The array a truncation fault cuts short. */
  listKey?: string;
}

export interface PipelineContext {
  keys: ReadonlySet<string>;
  limits: RateLimits;
  limiter: FixedWindowLimiter;
  faults: Faults;
}

/** The API key from `Basic base64(key:)` (documented) or `Bearer key` (accepted, as Cursor's examples use it). */
export function apiKeyOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const [scheme, value] = h.split(' ', 2);
  if (!value) return null;
  if (scheme.toLowerCase() === 'bearer') return value.trim();
  if (scheme.toLowerCase() !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
}

function tooMany(reply: FastifyReply, kind: RouteKind, retryAfterS: number): FastifyReply {
  if (kind === 'analytics') {
    // Analytics documents only the body; no Retry-After, so clients must fall back to backoff.
    return reply
      .code(429)
      .send({ error: 'Too Many Requests', message: 'Rate limit exceeded. Please try again later.' });
  }
  return reply
    .code(429)
    .header('retry-after', String(retryAfterS))
    .send({ code: 'error', message: 'Rate limit exceeded' });
}

export async function runPipeline(
  ctx: PipelineContext,
  req: FastifyRequest,
  reply: FastifyReply,
  kind: RouteKind,
  endpoint: string,
  build: () => Built,
): Promise<FastifyReply | void> {
  const f = ctx.faults.state;
  if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
  const key = apiKeyOf(req);
  if (key === null || !ctx.keys.has(key))
    return reply.code(401).send({ error: 'Unauthorized', message: 'Invalid API key' });
  const storm = ctx.faults.stormRemainingMs();
  if (storm > 0) return tooMany(reply, kind, Math.ceil(storm / 1000));
  // Analytics: a 304 is free, so the ETag is checked before the request is counted.
  let built: Built | null = null;
  let etag: string | null = null;
  if (kind === 'analytics') {
    try {
      built = build();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
    if (built) {
      etag = `"${createHash('sha1').update(JSON.stringify(built.body)).digest('base64url')}"`;
      if (req.headers['if-none-match'] === etag)
        return reply.code(304).header('etag', etag).header('cache-control', 'public, max-age=900').send();
    }
  }
  const verdict = ctx.limiter.take(key, endpoint, ctx.limits[kind]);
  if (!verdict.ok) return tooMany(reply, kind, verdict.retryAfterS);
  if (ctx.faults.roll(f.errorRate)) {
    return reply.code(500).send({ error: 'Internal Server Error', message: 'An unexpected error occurred' });
  }
  if (ctx.faults.roll(f.timeoutRate)) {
    // Never answer: the socket stays open until the client gives up or the server closes.
    reply.hijack();
    return;
  }
  try {
    built ??= build();
  } catch (err) {
    if (err instanceof ApiError) return reply.code(err.status).send({ error: err.error, message: err.message });
    throw err;
  }
  if (etag) reply.header('etag', etag).header('cache-control', 'public, max-age=900');
  if (ctx.faults.roll(f.malformedRate)) {
    const json = JSON.stringify(built.body);
    return reply
      .code(200)
      .type('application/json')
      .send(json.slice(0, Math.max(1, Math.floor(json.length / 2))));
  }
  const body =
    built.listKey && ctx.faults.roll(f.truncateRate) ? ctx.faults.truncate(built.body, built.listKey) : built.body;
  return reply.code(200).send(body);
}
