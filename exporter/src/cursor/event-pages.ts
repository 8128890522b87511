/**
 * The pages of POST /teams/filtered-usage-events over a list of windows, yielded strictly in order
 * (window by window, page by page) while up to `depth` later pages are already being fetched and
 * parsed. Only pages known to exist are requested: page 1 of a window, and the pages a parsed page
 * announces (numPages, or hasNextPage). So read-ahead never adds an API call; it lets a backfill keep Cursor's rate limit busy while this
 * thread writes the previous window, and keeps the parse worker busy in the meantime.
 */
import { setMaxListeners } from 'node:events';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { UsageEventPage } from './api';
import type { MsWindow } from './chunks';
import { checkPageBudget, hasMorePages, MAX_PAGES } from './normalize';
import type { ParsedEventsPage } from './page-parser';

/** Windows whose page count is still unknown that read-ahead may reach into at once. */
const SPECULATIVE_WINDOWS = 2;

/** Fetches and parses one page; `signal` aborts once the reader is closed (the page is no longer wanted). */
export type FetchEventPage = (window: MsWindow, page: number, signal: AbortSignal) => Promise<ParsedEventsPage>;

interface WindowState {
  /** Page 1 has been parsed, so the page count is known (at least as far as it said). */
  learned: boolean;
  /** Pages known to exist. */
  known: number;
  /** The page that said it was the last, once one did. */
  endsAt: number | null;
  requested: number;
}

interface Slot {
  window: number;
  page: number;
  result: Promise<ParsedEventsPage>;
}

export async function* readEventPages(
  windows: readonly MsWindow[],
  fetchPage: FetchEventPage,
  depth: number,
): AsyncGenerator<UsageEventPage> {
  if (!(depth >= 1)) throw new RangeError(`read-ahead depth must be at least 1, got ${depth}`);
  const states: WindowState[] = windows.map(() => ({ learned: false, known: 1, endsAt: null, requested: 0 }));
  const slots: Slot[] = [];
  let current = 0; // the window being consumed
  // Closing the reader (the consumer stopped, or a page failed) abandons the pages read ahead.
  const abandon = new AbortController();
  // Every page in flight listens to this one signal (its exchange, and its limiter or backoff wait):
  // more than Node's default of 10 is expected, not a leak.
  setMaxListeners(2 * depth + 10, abandon.signal);

  const learn = (w: number, page: number, parsed: ParsedEventsPage) => {
    const s = states[w];
    if (page === 1) s.learned = true;
    if (hasMorePages(parsed.pagination, page)) s.known = Math.max(s.known, page + 1, parsed.pagination.totalPages ?? 0);
    else s.endsAt = Math.min(s.endsAt ?? page, page);
  };

  /** Requests the next page of window w. */
  const request = (w: number) => {
    const page = ++states[w].requested;
    const result = fetchPage(windows[w], page, abandon.signal).then((parsed) => {
      learn(w, page, parsed);
      plan();
      return parsed;
    });
    result.catch(() => {}); // a failure surfaces when the consumer reaches this page
    slots.push({ window: w, page, result });
  };

  const plan = () => {
    let unlearned = 0;
    for (let w = current; w < windows.length && !abandon.signal.aborted; w++) {
      const s = states[w];
      const limit = Math.min(s.endsAt ?? s.known, MAX_PAGES);
      while (s.requested < limit) {
        if (slots.length >= depth) return;
        request(w);
      }
      // A window whose page 1 is not parsed yet may have more pages, which come first: only a
      // few windows' first pages are fetched past it, so they cannot take the whole read-ahead.
      if (!s.learned && ++unlearned >= SPECULATIVE_WINDOWS) return;
    }
  };

  try {
    let page = 1;
    while (current < windows.length) {
      const s = states[current];
      if (s.endsAt !== null && page > s.endsAt) {
        current++;
        page = 1;
        // Pages fetched past a window's end (a count that shrank) are dropped.
        for (let i = slots.length - 1; i >= 0; i--) if (slots[i].window < current) slots.splice(i, 1);
        continue;
      }
      plan();
      // A page count that grew while later windows filled the read-ahead: this page goes first.
      while (s.requested < page) request(current);
      const at = slots.findIndex((x) => x.window === current && x.page === page);
      const parsed = await slots[at].result;
      slots.splice(at, 1);
      // A page parsed ahead resolves without an event-loop turn; take one anyway, so responses
      // that arrived meanwhile reach the parse worker before the consumer blocks this thread.
      await setImmediatePromise();
      const w = windows[current];
      const more = hasMorePages(parsed.pagination, page);
      yield {
        windowStartMs: w.startMs,
        windowEndMs: w.endMs,
        page,
        totalPages: parsed.pagination.totalPages ?? (more ? page + 1 : page),
        lastPage: !more,
        totalEvents: parsed.total,
        events: parsed.batch,
      };
      if (more) checkPageBudget('POST /teams/filtered-usage-events', page);
      page++;
    }
  } finally {
    abandon.abort(new Error('usage-events read-ahead closed'));
  }
}
