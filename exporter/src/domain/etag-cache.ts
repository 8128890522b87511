/**
 * ETag store for Analytics responses: the Cursor client reads and fills it, the store persists it
 * (store/analytics.ts), so a restart still gets free 304s.
 */
export interface EtagCache {
  get(url: string): { etag: string; body: string } | undefined;
  set(url: string, etag: string, body: string): void;
}
