import { createHash } from 'node:crypto';

/**
 * METRICS_HASH_USERS: the first 16 hex digits (64 bits) of sha256(email). Stable across restarts and
 * hosts so dashboards keep working, short enough to read; not a secret (a known address can be
 * hashed and matched), it only keeps addresses out of the TSDB and screenshots. Lives in domain/
 * because both the metrics labels and the incident/alert matching must spell it the same way.
 */
export function hashUser(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16);
}
