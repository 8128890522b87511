/** The parse worker on its own: pagination, errors, closing (the parse → store path is tested in collect/collectors/usage-events.test.ts). */
import { CursorError } from './errors';
import { parseUsageEventsPage } from './normalize';
import { EventPageParser } from './page-parser';
import { usageEvent, usageEventsPage } from './testing/usage-events';

const event = usageEvent;
const page = usageEventsPage;

describe('EventPageParser', () => {
  let parser: EventPageParser;
  beforeAll(async () => {
    parser = new EventPageParser();
    await parser.ready();
  });
  afterAll(() => parser.close());

  it("returns pagination and totals, and rejects a malformed page with the synchronous parser's error", async () => {
    const parsed = await parser.parse(
      JSON.stringify({
        totalUsageEventsCount: 7,
        pagination: { numPages: 3, currentPage: 2, hasNextPage: true },
        usageEvents: [event(1)],
      }),
    );
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
