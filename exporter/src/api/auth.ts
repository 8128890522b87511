import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time bearer check: both sides are hashed first so the comparison takes the same time
 * whatever the length or content of the presented token.
 */
export function bearerMatches(header: string | undefined, tokens: readonly string[]): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const presented = digest(m ? m[1] : '');
  let ok = false;
  // Check every token (no early exit) so timing does not reveal which one matched.
  for (const t of tokens) ok = timingSafeEqual(presented, digest(t)) || ok;
  return ok && m !== null;
}

/** A request URL without its query string (which may carry values not meant for logs). */
export const pathOf = (url: string): string => url.split('?')[0];

/**
 * Refuses a request without one of `tokens` as its bearer: 401 with WWW-Authenticate, and a warning
 * saying who tried and how (never what they presented).
 */
export async function refuseUnlessBearer(
  req: FastifyRequest,
  reply: FastifyReply,
  tokens: readonly string[],
): Promise<void> {
  if (bearerMatches(req.headers.authorization, tokens)) return;
  req.log.warn(
    {
      method: req.method,
      path: pathOf(req.url),
      ip: req.ip,
      reason: req.headers.authorization ? 'invalid bearer token' : 'no bearer token',
    },
    'api request rejected: authentication failed',
  );
  await reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="cursor-usage-exporter"')
    .send({
      statusCode: 401,
      error: 'Unauthorized',
      message: req.headers.authorization ? 'invalid bearer token' : 'missing Authorization: Bearer <API_TOKEN>',
    });
}
