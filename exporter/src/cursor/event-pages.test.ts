import { getMaxListeners } from 'node:events';
import type { EventBatch } from '../domain/event-batch';
import type { MsWindow } from './chunks';
import { readEventPages, type FetchEventPage } from './event-pages';
import type { ParsedEventsPage } from './page-parser';

const batch: EventBatch = { n: 0, nums: new Float64Array(0), strings: [] };
const windows: MsWindow[] = [0, 1, 2, 3].map((w) => ({ startMs: w * 100, endMs: w * 100 + 99 }));

/** A Cursor whose window w has pages[w] pages, answered after a tick, recording what was asked. */
function fakeCursor(pages: number[], opts: { numPages?: boolean; failAt?: string } = {}) {
  const asked: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const aborted: string[] = [];
  const fetch: FetchEventPage = async (w, page, signal) => {
    const key = `${w.startMs / 100}:${page}`;
    asked.push(key);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    if (signal.aborted) aborted.push(key);
    if (key === opts.failAt) throw new Error(`page ${key} failed`);
    const total = pages[w.startMs / 100];
    const pagination =
      opts.numPages === false
        ? { page, totalPages: null, hasNextPage: page < total }
        : { page, totalPages: total, hasNextPage: null };
    return { batch, pagination, total: total * 10 } satisfies ParsedEventsPage;
  };
  return { fetch, asked, aborted, maxInFlight: () => maxInFlight };
}

async function consume(it: AsyncIterable<{ windowStartMs: number; page: number; lastPage: boolean }>) {
  const out: string[] = [];
  for await (const p of it) out.push(`${p.windowStartMs / 100}:${p.page}${p.lastPage ? '!' : ''}`);
  return out;
}

describe('readEventPages', () => {
  it('yields every page in order and requests exactly the pages that exist', async () => {
    const cursor = fakeCursor([3, 1, 2, 4]);
    const pages = await consume(readEventPages(windows, cursor.fetch, 8));
    expect(pages).toEqual(['0:1', '0:2', '0:3!', '1:1!', '2:1', '2:2!', '3:1', '3:2', '3:3', '3:4!']);
    expect([...cursor.asked].sort()).toEqual(['0:1', '0:2', '0:3', '1:1', '2:1', '2:2', '3:1', '3:2', '3:3', '3:4']);
    expect(cursor.maxInFlight()).toBeGreaterThan(1); // it did read ahead
    expect(cursor.maxInFlight()).toBeLessThanOrEqual(8);
  });

  it('with only hasNextPage, still reads every page once and in order', async () => {
    const cursor = fakeCursor([2, 3, 1, 1], { numPages: false });
    expect(await consume(readEventPages(windows, cursor.fetch, 4))).toEqual([
      '0:1',
      '0:2!',
      '1:1',
      '1:2',
      '1:3!',
      '2:1!',
      '3:1!',
    ]);
    expect(cursor.asked).toHaveLength(7);
  });

  it('depth 1 fetches one page at a time', async () => {
    const cursor = fakeCursor([2, 2, 2, 2]);
    await consume(readEventPages(windows, cursor.fetch, 1));
    expect(cursor.maxInFlight()).toBe(1);
    expect(cursor.asked).toEqual(['0:1', '0:2', '1:1', '1:2', '2:1', '2:2', '3:1', '3:2']);
  });

  it('a failed page throws when its turn comes, after the pages before it', async () => {
    const cursor = fakeCursor([2, 2, 2, 2], { failAt: '1:2' });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const p of readEventPages(windows, cursor.fetch, 16))
          seen.push(`${p.windowStartMs / 100}:${p.page}`);
      })(),
    ).rejects.toThrow('page 1:2 failed');
    expect(seen).toEqual(['0:1', '0:2', '1:1']);
  });

  it('a consumer that stops abandons the pages read ahead and asks for no more', async () => {
    const cursor = fakeCursor([5, 5, 5, 5]);
    for await (const p of readEventPages(windows, cursor.fetch, 6)) if (p.page === 2) break;
    const askedAtStop = cursor.asked.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cursor.asked).toHaveLength(askedAtStop);
    expect(cursor.aborted.length).toBeGreaterThan(0);
  });

  it('rejects a depth below 1', async () => {
    await expect(consume(readEventPages(windows, fakeCursor([1, 1, 1, 1]).fetch, 0))).rejects.toThrow(RangeError);
  });

  it('the one abort signal shared by every page in flight takes their listeners without a MaxListenersExceededWarning', async () => {
    // (jest's sandboxed process does not see Node's warnings, so the signal's own limit is checked.)
    const limits: number[] = [];
    let maxInFlight = 0;
    let inFlight = 0;
    const fetch: FetchEventPage = async (_w, page, signal) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      limits.push(getMaxListeners(signal));
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { batch, pagination: { page, totalPages: 200, hasNextPage: null }, total: 200 };
    };
    expect(await consume(readEventPages([{ startMs: 0, endMs: 99 }], fetch, 64))).toHaveLength(200);
    expect(maxInFlight).toBeGreaterThan(10);
    // Each exchange in flight listens once, and its limiter or backoff wait once more.
    expect(Math.min(...limits)).toBeGreaterThanOrEqual(2 * 64);
  });
});
