/**
 * Shared set-up of the client's own tests: one stub Cursor per test file and clients against it
 * that never really wait, so tests assert the waits the client asked for instead of timing them.
 */
import type { ApiCallInfo } from '../api';
import type { CursorClientOptions } from '../client';
import { startStubCursor, type StubCursor } from './stub-cursor';

/** What a test client did: its reported calls, the waits it asked for and its warnings. */
export interface ClientRecording {
  calls: ApiCallInfo[];
  sleeps: number[];
  logs: unknown[];
}

/** A stub started before the file's tests, cleared before each test and closed after all. */
export function useStubCursor(): StubCursor {
  let started: StubCursor | undefined;
  const stub = (): StubCursor => {
    if (started === undefined) throw new Error('the stub Cursor is used outside a test');
    return started;
  };
  beforeAll(async () => {
    started = await startStubCursor();
  });
  afterAll(() => stub().close());
  beforeEach(() => stub().reset());
  return {
    get url() {
      return stub().url;
    },
    get requests() {
      return stub().requests;
    },
    on: (route, handler) => stub().on(route, handler),
    reset: () => stub().reset(),
    close: () => stub().close(),
  };
}

/**
 * Options of a client against baseUrl with key 'key_test': rate limits too high to wait, jitter at
 * the midpoint of each ceiling, and everything it does recorded into rec, which is emptied in place
 * (one client per test; arrays taken from rec beforehand stay valid).
 */
export function recordingClientOptions(baseUrl: string, rec: ClientRecording): CursorClientOptions {
  rec.calls.length = 0;
  rec.sleeps.length = 0;
  rec.logs.length = 0;
  return {
    adminKey: 'key_test',
    baseUrl,
    userAgent: 'cursor-usage-exporter/test',
    limits: { default: 1e6, usageEvents: 1e6, analyticsTeam: 1e6 },
    sleep: async (ms) => void rec.sleeps.push(ms),
    random: () => 0.5,
    onCall: (info) => rec.calls.push(info),
    logger: { warn: (obj, msg) => rec.logs.push([obj, msg]) },
  };
}
