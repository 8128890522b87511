/**
 * The one error type the client throws. It carries what the collector records for a failed step
 * (endpoint, status, attempts, upstream message) and nothing else: no request headers, no URL
 * with credentials, no key. Messages built from upstream text go through `redact` in client.ts.
 */
export type CursorErrorKind = 'http' | 'network' | 'timeout' | 'invalid-response' | 'rate-limited';

export interface CursorErrorDetails {
  kind: CursorErrorKind;
  endpoint: string; // e.g. 'POST /teams/spend'
  status?: number; // last HTTP status (0 or absent when none was received)
  attempts?: number;
  upstreamMessage?: string; // the `message` field of Cursor's error body
  path?: string; // first offending JSON path, for invalid responses
}

export class CursorError extends Error {
  readonly kind: CursorErrorKind;
  readonly endpoint: string;
  readonly status: number;
  readonly attempts: number;
  readonly upstreamMessage: string | undefined;
  readonly path: string | undefined;
  /** The message without the endpoint prefix. */
  readonly reason: string;

  constructor(message: string, details: CursorErrorDetails) {
    super(`${details.endpoint}: ${message}`);
    this.name = 'CursorError';
    this.reason = message;
    this.kind = details.kind;
    this.endpoint = details.endpoint;
    this.status = details.status ?? 0;
    this.attempts = details.attempts ?? 1;
    this.upstreamMessage = details.upstreamMessage;
    this.path = details.path;
  }

  /** Plain data for run records and JSON logs (Error fields are not enumerable). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      endpoint: this.endpoint,
      status: this.status,
      attempts: this.attempts,
      upstreamMessage: this.upstreamMessage,
      path: this.path,
    };
  }
}
