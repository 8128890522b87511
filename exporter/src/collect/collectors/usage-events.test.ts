/** The ingest path of the usage-events collector: pages parsed on the worker, then stored, against the synchronous path. */
import type { EventBatch } from '../../domain/event-batch';
import { parseUsageEventsPage } from '../../cursor/normalize';
import { EventPageParser } from '../../cursor/page-parser';
import { Store } from '../../store';
import type { Db } from '../../store/db';
import { usageEvent, usageEventsPage } from '../../cursor/testing/usage-events';

const event = usageEvent;
const page = usageEventsPage;

// Newest-first like Cursor, with byte-identical events inside and across the window's pages.
const windowA = [
  page([
    event(5000),
    event(4000, { conversationId: 'c1' }),
    event(4000, { conversationId: 'c1' }),
    event(3000, { kind: 'Included in Pro' }),
  ]),
  page([
    event(3000, { kind: 'Included in Pro' }),
    event(2000, { userEmail: null, isHeadless: true }),
    event(1000, { conversationId: '' }),
  ]),
];
const windowB = [page([event(9000, { model: 'gpt-5', maxMode: true }), event(4000, { conversationId: 'c1' })])];

const dump = (db: Db) => ({
  events: db.prepare('SELECT * FROM usage_events ORDER BY ts_ms, event_hash').all(),
  daily: db.prepare('SELECT * FROM usage_daily ORDER BY day, email, model').all(),
});

describe('usage events: parse worker → store', () => {
  let parser: EventPageParser;
  beforeAll(async () => {
    parser = new EventPageParser();
    await parser.ready();
  });
  afterAll(() => parser.close());

  it('stores exactly what the synchronous parse → insert path stores, from text or from moved bytes', async () => {
    const viaWorker = Store.open(':memory:');
    const direct = Store.open(':memory:');
    for (const window of [windowA, windowB]) {
      const batches: EventBatch[] = [];
      for (const [i, json] of window.entries()) {
        const bytes = new Uint8Array(Buffer.from(json));
        batches.push((await parser.parse(i === 0 ? json : bytes)).batch);
        if (i > 0) expect(bytes.byteLength).toBe(0); // moved to the worker, not copied
      }
      const inserted = viaWorker.transaction(() => viaWorker.usageEvents.insertBatches(batches));
      const events = window.flatMap((json) => parseUsageEventsPage(json).events);
      expect(inserted).toBe(direct.transaction(() => direct.usageEvents.insert(events)));
    }
    const stored = dump(viaWorker.db);
    // Repeats within a window are distinct events; window B's repeat of window A's c1 event is not.
    expect(stored.events).toHaveLength(8);
    expect(stored).toEqual(dump(direct.db));
    viaWorker.close();
    direct.close();
  });
});
