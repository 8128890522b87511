import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { parseDuration } from '../domain/time';
import { EnvSchema, type Env } from './schema';

export { ENV_VARS, EnvSchema, type Env } from './schema';

/** Every bad variable at once, one line each, so a user fixes them in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface Config {
  /** The validated variables, defaults applied (other parts read their own entries from here). */
  env: Env;
  port: number;
  host: string;
  cursorApiUrl: string;
  adminApiKey: string | undefined;
  analyticsApiKey: string | undefined;
  databasePath: string;
  collectIntervalMs: number;
  initialBackfillDays: number;
  logLevel: Env['LOG_LEVEL'];
}

/**
 * Validates the environment against EnvSchema. Empty strings count as unset (so `PORT=` in a
 * compose file means the default). Throws ConfigError listing each bad value.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const props = EnvSchema.properties as Record<string, TSchema>;
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(props)) {
    const raw = source[name];
    if (raw === undefined || raw.trim() === '') {
      if (schema.default !== undefined) out[name] = schema.default;
      continue;
    }
    const value = Value.Convert(schema, raw.trim());
    if (!Value.Check(schema, value)) {
      const shown = schema.secret === true ? '(value hidden)' : `'${raw}'`;
      problems.push(`${name}=${shown} is invalid: expected ${String(schema.hint ?? schema.description)}`);
      continue;
    }
    out[name] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const env = out as Env;
  return {
    env,
    port: env.PORT,
    host: env.HOST,
    cursorApiUrl: env.CURSOR_API_URL.replace(/\/+$/, ''),
    adminApiKey: env.CURSOR_ADMIN_API_KEY,
    analyticsApiKey: env.CURSOR_ANALYTICS_API_KEY ?? env.CURSOR_ADMIN_API_KEY,
    databasePath: env.DATABASE_PATH,
    collectIntervalMs: parseDuration(env.COLLECT_INTERVAL),
    initialBackfillDays: env.INITIAL_BACKFILL_DAYS,
    logLevel: env.LOG_LEVEL,
  };
}

/** The secrets of a config (every variable marked `secret`), for log/error scrubbing. */
export function configSecrets(config: Config): string[] {
  const props = EnvSchema.properties as Record<string, TSchema>;
  const values = Object.keys(props)
    .filter((name) => props[name].secret === true)
    .map((name) => (config.env as Record<string, unknown>)[name]);
  return [config.adminApiKey, config.analyticsApiKey, ...values].filter(
    (k): k is string => typeof k === 'string' && k.length > 0,
  );
}
