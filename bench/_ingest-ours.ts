/**
 * The measured side of bench/ingest, in its own process: a backfill by the collector's usage-events
 * step through the real client, with Cursor replaced by undici's MockAgent answering each page from
 * the file bench/ingest wrote. argv[2] is JSON {pagesDir, dbFile, firstDay, days, events}; prints
 * JSON {seconds, rows, peak_rss_mb}.
 */
import fs from 'node:fs';
import { MockAgent } from 'undici';
import { DEFAULT_COLLECT_OPTIONS } from '../exporter/src/collect/context';
import { usageEventsStep } from '../exporter/src/collect/collectors/usage-events';
import { createCursorClient } from '../exporter/src/cursor/client';
import { sharedPageParser } from '../exporter/src/cursor/page-parser';
import { DAY_MS } from '../exporter/src/domain/time';
import { Store } from '../exporter/src/store';
import { pageFile, progress } from './ingest';

const ORIGIN = 'http://cursor.bench';
const UNLIMITED = 1e9; // requests per minute

/** A Cursor that answers every usage-events page request at once with the page's bytes. */
function mockCursor(pagesDir: string): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent
    .get(ORIGIN)
    .intercept({ path: '/teams/filtered-usage-events', method: 'POST' })
    .reply(200, (opts) => {
      const { startDate, page } = JSON.parse(String(opts.body)) as { startDate: number; page: number };
      return fs.readFileSync(pageFile(pagesDir, startDate, page));
    })
    .persist();
  return agent;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as {
    pagesDir: string;
    dbFile: string;
    firstDay: number;
    days: number;
    events: number;
  };
  const store = Store.open(spec.dbFile);
  store.checkpointInBackground(); // as collectOnce opens it for `backfill`
  const agent = mockCursor(spec.pagesDir);
  const api = createCursorClient({
    adminKey: 'key_bench',
    baseUrl: ORIGIN,
    userAgent: 'bench-ingest',
    dispatcher: agent,
    limits: { default: UNLIMITED, usageEvents: UNLIMITED, analyticsTeam: UNLIMITED },
  });
  // The parse worker starts once per process, like the exporter's: not part of each ingest.
  await sharedPageParser().ready();
  const bar = progress('ours   ', spec.events);
  const t0 = process.hrtime.bigint();
  const rows = await usageEventsStep.run({
    store,
    api,
    nowMs: (spec.firstDay + spec.days) * DAY_MS - 1,
    // Day windows: the generator wrote pages for day windows only.
    options: DEFAULT_COLLECT_OPTIONS,
    backfillDays: spec.days,
    heartbeat: () => {},
    stopping: () => false,
    onProgress: (p) => bar.update(p.events),
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  bar.stop();
  await agent.close();
  store.close();
  process.stdout.write(
    JSON.stringify({
      seconds,
      rows: rows.usage_events,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  process.exit(0);
}

void main();
