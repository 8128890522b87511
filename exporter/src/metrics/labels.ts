import { createHash } from 'node:crypto';

/** Label value for users without a billing group, and for the folded tail of per-user-per-model series. */
export const UNASSIGNED_GROUP = 'unassigned';
export const OTHER_USER = 'other';

/**
 * METRICS_HASH_USERS: the first 16 hex digits (64 bits) of sha256(email). Stable across restarts and
 * hosts so dashboards keep working, short enough to read; not a secret (a known address can be
 * hashed and matched), it only keeps addresses out of the TSDB and screenshots.
 */
export function hashUser(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16);
}

export function userLabeler(hash: boolean): (email: string) => string {
  if (!hash) return (email) => email.toLowerCase();
  const cache = new Map<string, string>();
  return (email) => {
    let v = cache.get(email);
    if (v === undefined) {
      v = hashUser(email);
      cache.set(email, v);
    }
    return v;
  };
}
