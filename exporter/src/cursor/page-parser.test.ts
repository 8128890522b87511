import type { EventBatch } from '../domain/event-batch';
import { openDb, type Db } from '../store/db';
import { UsageEventsRepo } from '../store/usage-events';
import { CursorError } from './errors';
import { parseUsageEventsPage } from './normalize';
import { EventPageParser } from './page-parser';

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

describe('EventPageParser', () => {
  let parser: EventPageParser;
  beforeAll(async () => {
    parser = new EventPageParser();
    await parser.ready();
  });
  afterAll(() => parser.close());

  it('stores exactly what the synchronous parse → insert path stores, from text or from moved bytes', async () => {
    const viaWorker = openDb(':memory:');
    const direct = openDb(':memory:');
    for (const window of [windowA, windowB]) {
      const batches: EventBatch[] = [];
      for (const [i, json] of window.entries()) {
        const bytes = new Uint8Array(Buffer.from(json));
        batches.push((await parser.parse(i === 0 ? json : bytes)).batch);
        if (i > 0) expect(bytes.byteLength).toBe(0); // moved to the worker, not copied
      }
      const inserted = viaWorker.transaction(() => new UsageEventsRepo(viaWorker).insertBatches(batches))();
      const events = window.flatMap((json) => parseUsageEventsPage(json).events);
      expect(inserted).toBe(direct.transaction(() => new UsageEventsRepo(direct).insert(events))());
    }
    const stored = dump(viaWorker);
    // Repeats within a window are distinct events; window B's repeat of window A's c1 event is not.
    expect(stored.events).toHaveLength(8);
    expect(stored).toEqual(dump(direct));
    viaWorker.close();
    direct.close();
  });

  it('returns pagination and totals, and rejects a malformed page with the synchronous parser\'s error', async () => {
    const parsed = await parser.parse(JSON.stringify({ totalUsageEventsCount: 7, pagination: { numPages: 3, currentPage: 2, hasNextPage: true }, usageEvents: [event(1)] }));
    expect(parsed).toMatchObject({ total: 7, pagination: { page: 2, totalPages: 3, hasNextPage: true } });
    expect(parsed.batch.n).toBe(1);
    const bad = page([event(1), { ...event(2), chargedCents: '3' }]);
    const err = await parser.parse(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CursorError);
    expect(err).toMatchObject({ kind: 'invalid-response', path: '/usageEvents/1/chargedCents' });
    expect(() => parseUsageEventsPage(bad)).toThrow((err as Error).message);
    await expect(parser.parse('{"usageEvents": [')).rejects.toThrow(/malformed JSON/);
    // The worker survives bad pages.
    expect((await parser.parse(page([event(3)]))).batch.n).toBe(1);
  });

  it('a closed parser rejects further pages', async () => {
    const closing = new EventPageParser();
    await closing.close();
    expect(closing.failed).toBe(true);
    await expect(closing.parse(page([]))).rejects.toThrow(/closed/);
  });
});
