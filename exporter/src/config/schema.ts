import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Every environment variable the exporter reads, in one TypeBox object: each entry carries its
 * default and a `description` (the README's configuration table is generated from ENV_VARS).
 * Extra keywords: `hint` (what a valid value looks like, used in error messages) and `secret`
 * (the value is never echoed back). To add a variable, add one entry here.
 */
export const EnvSchema = Type.Object({
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 9464,
    hint: 'an integer from 0 to 65535',
    description: 'HTTP port for /metrics, /healthz, /readyz and the JSON API.',
  }),
  HOST: Type.String({
    minLength: 1,
    default: '0.0.0.0',
    hint: 'an interface address such as 0.0.0.0 or 127.0.0.1',
    description:
      'Interface to listen on. `demo` defaults to 127.0.0.1; without API auth a non-loopback HOST needs an explicit API_AUTH=off (and is warned about).',
  }),
  CURSOR_API_URL: Type.String({
    pattern: '^https?://[^\\s]+$',
    default: 'https://api.cursor.com',
    hint: 'an http(s) URL',
    description: 'Base URL of the Cursor Admin and Analytics APIs (point it at the simulator for tests).',
  }),
  CURSOR_ADMIN_API_KEY: Type.Optional(
    Type.String({
      minLength: 1,
      secret: true,
      hint: 'a Cursor Admin API key (key_… or crsr_…)',
      description: 'Cursor Admin API key (team admin, `admin:*` scope). Required by `serve`, `collect` and `backfill`.',
    }),
  ),
  CURSOR_ANALYTICS_API_KEY: Type.Optional(
    Type.String({
      minLength: 1,
      secret: true,
      hint: 'a Cursor API key',
      description: 'Key for the Analytics API; defaults to CURSOR_ADMIN_API_KEY.',
    }),
  ),
  DATABASE_PATH: Type.String({
    minLength: 1,
    default: './data/cursor-usage.db',
    hint: 'a file path',
    description:
      'SQLite database file (created with its directory if missing, except by `detect`, which only reads an existing one). `demo` defaults to `./data/demo.db`.',
  }),
  COLLECT_INTERVAL: Type.String({
    pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$',
    default: '1h',
    hint: 'a duration such as 15m, 1h or 1d',
    description: 'Time between collections. Cursor aggregates usage hourly, so less than 1h only costs API calls.',
  }),
  INITIAL_BACKFILL_DAYS: Type.Integer({
    minimum: 1,
    maximum: 90,
    default: 30,
    hint: 'an integer from 1 to 90',
    description: 'Days of history fetched by the first collection into an empty database.',
  }),
  API_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      secret: true,
      hint: 'a random string of at least 16 characters (e.g. `openssl rand -hex 32`)',
      description:
        'Bearer token every /api/v1 route requires (Grafana sends it through its data-source proxy); at least 16 characters, e.g. `openssl rand -hex 32`. Required unless API_AUTH=off.',
    }),
  ),
  API_AUTH: Type.Union([Type.Literal('on'), Type.Literal('off')], {
    default: 'on',
    hint: 'on or off',
    description:
      'off serves the JSON API without auth: only behind a trusted proxy. `demo` defaults to off unless API_TOKEN is set.',
  }),
  ALERTMANAGER_WEBHOOK_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      secret: true,
      hint: 'a random string of at least 16 characters',
      description:
        'Bearer token accepted (besides API_TOKEN) only by POST /api/v1/alertmanager, so Alertmanager needs no full API token; at least 16 characters.',
    }),
  ),
  ALERTMANAGER_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      hint: 'an http(s) URL',
      description:
        'Alertmanager base URL; when set, silences matching an incident acknowledge it (polled after each detection).',
    }),
  ),
  SLACK_WEBHOOK_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      secret: true,
      hint: 'a Slack incoming-webhook URL',
      description:
        'Slack incoming webhook for the daily plan-exhaustion and the cycle-summary digests (anomaly alerts go through Alertmanager).',
    }),
  ),
  DASHBOARD_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      hint: 'an http(s) URL',
      description: 'Grafana URL used for links in Slack digests.',
    }),
  ),
  API_CACHE_LAG_SECONDS: Type.Integer({
    minimum: 0,
    maximum: 3600,
    default: 10,
    hint: 'an integer from 0 to 3600',
    description:
      "How late the JSON API may show a collection still under way: its read cache looks at the store at most this often, so a backfill's commits do not recompute every dashboard answer each second. A finished collection cycle and the API's own changes show at once; 0 = every write at once.",
  }),
  METRICS_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      secret: true,
      hint: 'a random string of at least 16 characters',
      description:
        'When set, /metrics requires `Authorization: Bearer <token>` (Prometheus `authorization` in scrape_config); at least 16 characters. Off by default.',
    }),
  ),
  METRICS_MAX_SERIES: Type.Integer({
    minimum: 100,
    maximum: 10_000_000,
    default: 50_000,
    hint: 'an integer from 100 to 10000000',
    description:
      'Series budget for per-user-per-model counters; beyond it the smallest spenders fold into user="other".',
  }),
  METRICS_HASH_USERS: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    hint: 'true or false',
    description: 'Replace e-mails in metric labels with a stable truncated SHA-256 (the JSON API still shows e-mails).',
  }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', hint: 'one of fatal, error, warn, info, debug, trace, silent', description: 'pino log level.' },
  ),
});

export type Env = Static<typeof EnvSchema>;

export interface EnvVarDoc {
  name: string;
  default: string | undefined;
  description: string;
  secret: boolean;
}

/** The configuration table: one entry per variable, in declaration order. */
export const ENV_VARS: EnvVarDoc[] = Object.entries(EnvSchema.properties as Record<string, TSchema>).map(
  ([name, s]) => ({
    name,
    default: s.default === undefined ? undefined : String(s.default),
    description: String(s.description ?? ''),
    secret: s.secret === true,
  }),
);
