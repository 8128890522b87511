import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

// Cursor keys look like key_<64 chars> or crsr_<64 chars>; Basic credentials are base64 of "key:".
const KEY_LIKE = /\b(key|crsr)_[A-Za-z0-9_-]{8,}/g;
const BASIC = /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]{8,}/gi;

/** Replaces the given secrets and anything key-shaped in a string. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out.replace(KEY_LIKE, '$1_[REDACTED]').replace(BASIC, '$1 [REDACTED]');
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  // Error fields are not enumerable: copy the ones worth logging before scrubbing them.
  if (value instanceof Error) {
    out.type = value.name;
    out.message = scrub(value.message, secrets);
    if (value.stack) out.stack = scrub(value.stack, secrets);
  }
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, secrets, depth + 1);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Exact secret values (the configured keys) to blank out wherever they appear. */
  secrets?: readonly string[];
  destination?: DestinationStream;
}

/**
 * pino with two layers against leaking keys: path redaction of auth headers and key fields, and a
 * scrub of every string (messages, error messages and stacks, nested fields) for the configured
 * keys and key-shaped tokens.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const secrets = opts.secrets ?? [];
  return pino(
    {
      level: opts.level ?? 'info',
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'authorization',
          'apiKey',
          '*.apiKey',
          'adminApiKey',
          '*.adminApiKey',
          'analyticsApiKey',
          '*.analyticsApiKey',
          'env.CURSOR_ADMIN_API_KEY',
          'env.CURSOR_ANALYTICS_API_KEY',
          '*.env.CURSOR_ADMIN_API_KEY',
          '*.env.CURSOR_ANALYTICS_API_KEY',
        ],
        censor: '[REDACTED]',
      },
      formatters: { log: (obj) => scrubDeep(obj, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrub(a, secrets) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    opts.destination,
  );
}
