import { createHash, timingSafeEqual } from 'node:crypto';

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
