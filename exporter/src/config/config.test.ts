import { ConfigError, ENV_VARS, loadConfig } from '.';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 9464,
      host: '0.0.0.0',
      cursorApiUrl: 'https://api.cursor.com',
      adminApiKey: undefined,
      analyticsApiKey: undefined,
      databasePath: './data/cursor-usage.db',
      collectIntervalMs: 3_600_000,
      initialBackfillDays: 30,
      logLevel: 'info',
    });
  });

  it('converts values and defaults the analytics key to the admin key', () => {
    const c = loadConfig({
      PORT: '8080',
      COLLECT_INTERVAL: '15m',
      INITIAL_BACKFILL_DAYS: '7',
      CURSOR_ADMIN_API_KEY: 'key_abc',
      CURSOR_API_URL: 'http://127.0.0.1:9/',
    });
    expect(c).toMatchObject({
      port: 8080,
      collectIntervalMs: 900_000,
      initialBackfillDays: 7,
      analyticsApiKey: 'key_abc',
      cursorApiUrl: 'http://127.0.0.1:9',
    });
    expect(loadConfig({ CURSOR_ADMIN_API_KEY: 'a', CURSOR_ANALYTICS_API_KEY: 'b' }).analyticsApiKey).toBe('b');
  });

  it('reports every bad value at once, one clear line each, never echoing secrets', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig({
        PORT: 'abc',
        COLLECT_INTERVAL: 'hourly',
        INITIAL_BACKFILL_DAYS: '365',
        LOG_LEVEL: 'loud',
        CURSOR_API_URL: 'ftp://x',
        HOST: '',
      });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toEqual([
      "PORT='abc' is invalid: expected an integer from 0 to 65535",
      "CURSOR_API_URL='ftp://x' is invalid: expected an http(s) URL",
      "COLLECT_INTERVAL='hourly' is invalid: expected a duration such as 15m, 1h or 1d",
      "INITIAL_BACKFILL_DAYS='365' is invalid: expected an integer from 1 to 90",
      "LOG_LEVEL='loud' is invalid: expected one of fatal, error, warn, info, debug, trace, silent",
    ]);
    expect(err!.message).toContain('invalid configuration');
  });

  it('exports the variable list for the README table', () => {
    expect(ENV_VARS.map((v) => v.name)).toEqual([
      'PORT',
      'HOST',
      'CURSOR_API_URL',
      'CURSOR_ADMIN_API_KEY',
      'CURSOR_ANALYTICS_API_KEY',
      'DATABASE_PATH',
      'COLLECT_INTERVAL',
      'INITIAL_BACKFILL_DAYS',
      'API_TOKEN',
      'API_AUTH',
      'ALERTMANAGER_WEBHOOK_TOKEN',
      'ALERTMANAGER_URL',
      'SLACK_WEBHOOK_URL',
      'DASHBOARD_URL',
      'API_CACHE_LAG_SECONDS',
      'METRICS_TOKEN',
      'METRICS_MAX_SERIES',
      'METRICS_HASH_USERS',
      'LOG_LEVEL',
    ]);
    expect(ENV_VARS.find((v) => v.name === 'PORT')).toMatchObject({ default: '9464', secret: false });
    expect(ENV_VARS.find((v) => v.name === 'CURSOR_ADMIN_API_KEY')).toMatchObject({ default: undefined, secret: true });
    for (const v of ENV_VARS) expect(v.description.length).toBeGreaterThan(10);
  });
});
