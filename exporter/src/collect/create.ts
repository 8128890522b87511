import { createCursorClient, type CursorClientOptions } from '../cursor/client';
import type { Config } from '../config';
import { configSecrets } from '../config';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { CallTally } from './call-tally';
import { SERVICE_WINDOW_EVENTS, type CollectOptions } from './context';
import { createCollector, type Collector, type CollectorDeps } from './runner';

export const USER_AGENT = 'cursor-usage-exporter/0.1 (+https://github.com/cursor-usage-stack)';

export interface CollectorStackOptions {
  store: Store;
  config: Config;
  logger?: Logger;
  now?: () => number;
  /** Overrides for the client (tests and demo: faster limits, no real sleeps). */
  client?: Partial<CursorClientOptions>;
  collect?: Partial<CollectOptions>;
  afterStep?: CollectorDeps['afterStep'];
}

/** The Cursor client wired to a collector: call counts, persisted ETags, scrubbed errors. */
export function createCollectorStack(opts: CollectorStackOptions): Collector {
  const { config, store } = opts;
  if (!config.adminApiKey) throw new Error('CURSOR_ADMIN_API_KEY is not set');
  const calls = new CallTally();
  const api = createCursorClient({
    adminKey: config.adminApiKey,
    analyticsKey: config.analyticsApiKey,
    baseUrl: config.cursorApiUrl,
    userAgent: USER_AGENT,
    etagCache: store.etags,
    onCall: calls.record,
    logger: opts.logger,
    ...opts.client,
  });
  return createCollector({
    store,
    api,
    calls,
    now: opts.now,
    logger: opts.logger,
    secrets: configSecrets(config),
    sharedKey: (config.analyticsApiKey ?? config.adminApiKey) === config.adminApiKey,
    afterStep: opts.afterStep,
    options: { initialBackfillDays: config.initialBackfillDays, windowEvents: SERVICE_WINDOW_EVENTS, ...opts.collect },
  });
}
