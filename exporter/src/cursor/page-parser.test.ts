import { openDb, type Db } from '../store/db';
import { EventKeyer } from '../store/event-key';
import { insertEventColumns, insertUsageEvents, type EventColumns } from '../store/usage-events';
import { CursorError } from './errors';
import { parseUsageEventsPage } from './normalize';
import { WorkerPageParser } from './page-parser';

const event = (ts: number, extra: Record<string, unknown> = {}) => ({
  timestamp: String(ts),
  userEmail: 'Ann@Example.com',
  model: 'claude-4-sonnet',
  kind: 'Usage-based',
  maxMode: false,
  requestsCosts: 1.5,
  isTokenBasedCall: true,
  tokenUsage: { inputTokens: 100, outputTokens: 20, cacheWriteTokens: 3, cacheReadTokens: 4, totalCents: 1.25 },
  chargedCents: 1.5,
  isChargeable: true,
  ...extra,
});

const page = (events: unknown[]) => JSON.stringify({ totalUsageEventsCount: events.length, usageEvents: events });

// Newest-first like Cursor, with byte-identical events inside and across the window's pages.
const windowA = [
  page([event(5000), event(4000, { conversationId: 'c1' }), event(4000, { conversationId: 'c1' }), event(3000, { kind: 'Included in Pro' })]),
  page([event(3000, { kind: 'Included in Pro' }), event(2000, { userEmail: null, isHeadless: true }), event(1000, { conversationId: '' })]),
];
const windowB = [page([event(9000, { model: 'gpt-5', maxMode: true }), event(4000, { conversationId: 'c1' })])];

const dump = (db: Db) => ({
  events: db.prepare('SELECT * FROM usage_events ORDER BY ts_ms, event_hash').all(),
  daily: db.prepare('SELECT * FROM usage_daily ORDER BY day, email, model').all(),
});

describe('WorkerPageParser', () => {
  let parser: WorkerPageParser;
  beforeAll(async () => {
    parser = new WorkerPageParser();
    await parser.ready();
  });
  afterAll(() => parser.close());

  it('stores exactly what the synchronous parse → key → insert path stores, with the same keys', async () => {
    const viaWorker = openDb(':memory:');
    const direct = openDb(':memory:');
    for (const window of [windowA, windowB]) {
      const batches: EventColumns[] = [];
      for (const [i, json] of window.entries()) batches.push((await parser.parse(json, i === 0)).columns);
      const inserted = viaWorker.transaction(() => insertEventColumns(viaWorker, batches))();
      const events = window.flatMap((json) => parseUsageEventsPage(json).events);
      expect(inserted).toBe(direct.transaction(() => insertUsageEvents(direct, events, new EventKeyer()))());
    }
    const stored = dump(viaWorker);
    // Repeats within a window are distinct events; window B's repeat of window A's c1 event is not.
    expect(stored.events).toHaveLength(8);
    expect(stored).toEqual(dump(direct));
    viaWorker.close();
    direct.close();
  });

  it('rejects a malformed page with the invalid-response CursorError naming the path, and keeps going', async () => {
    const bad = page([event(1000), event(2000, { requestsCosts: 'lots' })]);
    const err = await parser.parse(bad, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CursorError);
    expect(err).toMatchObject({ kind: 'invalid-response', endpoint: 'POST /teams/filtered-usage-events' });
    expect((err as CursorError).path).toContain('/usageEvents/1');
    await expect(parser.parse('{"usageEvents": [', true)).rejects.toMatchObject({ kind: 'invalid-response' });
    const ok = await parser.parse(windowB[0], true);
    expect(ok.columns.n).toBe(2);
    expect(ok.total).toBe(2);
  });

  it('fails pending and later pages once closed', async () => {
    const closing = new WorkerPageParser();
    const pending = expect(closing.parse(windowB[0], true)).rejects.toThrow('closed');
    await closing.close();
    await pending;
    await expect(closing.parse(windowB[0], true)).rejects.toThrow('closed');
  });
});
