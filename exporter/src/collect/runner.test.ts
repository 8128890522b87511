import { toEventBatch } from '../domain/event-batch';
import type { AnalyticsResult, CursorApi, CursorRequest, DailyUsageChunk, UsageEventPage } from '../cursor/api';
import type { AnalyticsEndpoint, Member, UsageEvent } from '../domain/records';
import { DAY_MS, HOUR_MS } from '../domain/time';
import { Store } from '../store';
import type { Db } from '../store/db';
import { USAGE_EVENTS_STREAM } from '../store/watermarks';
import { CallTally } from './call-tally';
import type { CollectStep } from './context';
import { COLLECTORS } from './registry';
import { CollectorBusyError, createCollector } from './runner';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');

function event(ts: number, email: string, charged: number, model = 'gpt-5'): UsageEvent {
  return {
    timestampMs: ts,
    email,
    model,
    kind: 'Usage-based',
    maxMode: false,
    requestsCosts: 1,
    isTokenBasedCall: true,
    inputTokens: 10,
    outputTokens: 5,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    tokenMicro: charged,
    chargedMicro: charged,
    cursorFeeMicro: 0,
    isChargeable: true,
    isHeadless: false,
    conversationId: null,
  };
}

/** An in-memory CursorApi over a list of events; `failOn` makes a method throw. */
class FakeApi implements CursorApi {
  events: UsageEvent[] = [];
  members_: Member[] = [{ email: 'a@x.io', userId: 'user_a', name: 'A', role: 'owner', isRemoved: false }];
  failOn = new Set<string>();
  /** Every call fails, whatever its endpoint. */
  failAll = false;
  /** Fetches of usage events that see a page shift: an event arrives mid-paging and one repeats. */
  shiftedFetches = 0;
  /** Throw after yielding this many pages of usage events (simulates a crash mid-window). */
  failAfterPages = Infinity;
  pageSize = 2;
  calls: ((info: Parameters<CallTally['record']>[0]) => void) | undefined;

  private check(name: string): void {
    const fail = this.failAll || this.failOn.has(name);
    this.calls?.({ endpoint: `/${name}`, status: fail ? 500 : 200, durationMs: 1, attempt: 1, rateLimitWaitMs: 0 });
    if (fail) throw new Error(`${name} failed for key_secretsecret123 on purpose`);
  }
  async members() {
    this.check('members');
    return this.members_;
  }
  async spend() {
    this.check('spend');
    return { cycleStartMs: NOW - 5 * DAY_MS, limitedUsersCount: null, rows: [] };
  }
  async groups() {
    this.check('groups');
    return { groups: [], cycle: null };
  }
  async *dailyUsage(fromMs: number, toMs: number): AsyncIterable<DailyUsageChunk> {
    this.check('daily');
    yield { fromMs, toMs, rows: [] };
  }
  async *usageEvents(fromMs: number, toMs: number, windowMs: number): AsyncIterable<UsageEventPage> {
    let pages = 0;
    for (let start = fromMs; start <= toMs; start += windowMs) {
      const end = Math.min(start + windowMs - 1, toMs);
      const inWindow = this.events.filter((e) => e.timestampMs >= start && e.timestampMs <= end);
      if (this.shiftedFetches > 0 && inWindow.length > this.pageSize) {
        this.shiftedFetches--;
        inWindow.splice(this.pageSize, 0, inWindow[this.pageSize - 1]); // page 2 starts with page 1's last event
        const pages = Math.ceil(inWindow.length / this.pageSize);
        for (let p = 1; p <= pages; p++) {
          yield {
            windowStartMs: start,
            windowEndMs: end,
            page: p,
            totalPages: pages,
            lastPage: p === pages,
            totalEvents: inWindow.length - (p === 1 ? 1 : 0),
            events: toEventBatch(inWindow.slice((p - 1) * this.pageSize, p * this.pageSize)),
          };
        }
        continue;
      }
      const totalPages = Math.max(1, Math.ceil(inWindow.length / this.pageSize));
      for (let p = 1; p <= totalPages; p++) {
        this.check('events');
        if (pages++ >= this.failAfterPages) throw new Error('connection reset');
        yield {
          windowStartMs: start,
          windowEndMs: end,
          page: p,
          totalPages,
          lastPage: p === totalPages,
          totalEvents: inWindow.length,
          events: toEventBatch(inWindow.slice((p - 1) * this.pageSize, p * this.pageSize)),
        };
      }
    }
  }
  async analytics(endpoint: AnalyticsEndpoint, fromDay: string): Promise<AnalyticsResult> {
    this.check(`analytics-${endpoint}`);
    return { notModified: false, rows: [{ endpoint, day: fromDay, key: '', values: { n: 1 } }] };
  }
  /** Response bodies, by path, of endpoints without a method of their own (a collector's own endpoint). */
  bodies: Record<string, unknown> = {};
  async request<T>(r: CursorRequest, parse: (body: Buffer | string) => T): Promise<T> {
    this.check(r.path.slice(1));
    if (!(r.path in this.bodies)) throw new Error(`no fake response for ${r.method} ${r.path}`);
    return parse(JSON.stringify(this.bodies[r.path]));
  }
}

function spendByUser(db: Db): Record<string, number> {
  const rows = db
    .prepare('SELECT email, SUM(charged_micro) AS m, SUM(events) AS n FROM usage_daily GROUP BY email')
    .all() as { email: string; m: number; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.email, r.m]));
}

describe('collector runner', () => {
  let store: Store;
  let db: Db;
  let api: FakeApi;
  beforeEach(() => {
    store = Store.open(':memory:');
    db = store.db;
    api = new FakeApi();
    for (let i = 0; i < 20; i++)
      api.events.push(event(NOW - i * 3 * HOUR_MS, i % 2 ? 'a@x.io' : 'b@x.io', 1_000_000 + i));
  });
  afterEach(() => store.close());

  it('collects every step, records the run and advances the watermarks', async () => {
    const calls = new CallTally();
    api.calls = calls.record;
    const result = await createCollector({
      store,
      api,
      calls,
      now: () => NOW,
      options: { initialBackfillDays: 5 },
    }).run();
    expect(result.status).toBe('ok');
    expect(result.errors).toEqual([]);
    expect(result.rowsWritten.usage_events).toBe(20);
    expect(result.rowsWritten.analytics_rows).toBe(9);
    expect(result.apiCalls['/members']).toEqual({ 200: 1 });
    expect(store.watermarks.get(USAGE_EVENTS_STREAM)).toBe(NOW);
    const [run] = store.runs.list();
    expect(run).toMatchObject({ id: result.id, kind: 'backfill', status: 'ok', startedMs: NOW, endedMs: NOW }); // empty store
    const next = await createCollector({ store, api, now: () => NOW }).run();
    expect(next.kind).toBe('collect');
    expect(run.rowsWritten.usage_events).toBe(20);
    expect(spendByUser(db)['a@x.io']).toBe(
      api.events.filter((e) => e.email === 'a@x.io').reduce((s, e) => s + e.chargedMicro, 0),
    );
  });

  it('a second overlapping run adds late events once and never double-counts', async () => {
    await createCollector({ store, api, now: () => NOW, options: { initialBackfillDays: 5 } }).run();
    const before = spendByUser(db);
    api.events.push(event(NOW - 30 * 60_000, 'a@x.io', 7_000_000)); // arrived late, inside the overlap
    api.events.push(event(NOW + HOUR_MS - 1, 'b@x.io', 5_000_000)); // new, after the watermark
    const second = await createCollector({
      store,
      api,
      now: () => NOW + HOUR_MS,
      options: { initialBackfillDays: 5 },
    }).run();
    expect(second.rowsWritten.usage_events).toBe(2);
    expect(spendByUser(db)).toEqual({ 'a@x.io': before['a@x.io'] + 7_000_000, 'b@x.io': before['b@x.io'] + 5_000_000 });
    expect(db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get()).toBe(22);
  });

  it('a failure mid-window commits whole windows only and the next run completes the rest', async () => {
    api.pageSize = 3;
    api.failAfterPages = 5; // window 1 of 2 has a few pages; the crash lands inside a later window
    const first = await createCollector({ store, api, now: () => NOW, options: { initialBackfillDays: 3 } }).run();
    expect(first.status).toBe('partial');
    expect(first.errors).toEqual([{ step: 'usage-events', message: 'connection reset' }]);
    const wm = store.watermarks.get(USAGE_EVENTS_STREAM)!;
    const stored = db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get() as number;
    // Only whole windows: every stored event is at or before the watermark, and all of those are stored.
    expect(stored).toBe(api.events.filter((e) => e.timestampMs <= wm).length);
    expect(stored).toBeLessThan(20);
    api.failAfterPages = Infinity;
    await createCollector({ store, api, now: () => NOW, options: { initialBackfillDays: 3 } }).run();
    expect(db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get()).toBe(20);
    expect(db.prepare('SELECT SUM(events) FROM usage_daily').pluck().get()).toBe(20);
  });

  it('re-fetches a window whose pages shifted while paging instead of double-counting', async () => {
    api.pageSize = 3;
    api.shiftedFetches = 1;
    const r = await createCollector({ store, api, now: () => NOW, options: { initialBackfillDays: 5 } }).run();
    expect(r.status).toBe('ok');
    expect(db.prepare('SELECT SUM(events) FROM usage_daily').pluck().get()).toBe(20);
    api.shiftedFetches = 100; // never settles: the step fails and commits nothing of that window
    db.exec(
      'DELETE FROM usage_event_rows; DELETE FROM usage_daily; DELETE FROM usage_user_daily; DELETE FROM usage_team_daily; DELETE FROM watermarks',
    );
    const bad = await createCollector({ store, api, now: () => NOW, options: { initialBackfillDays: 5 } }).run();
    expect(bad.errors[0]).toMatchObject({
      step: 'usage-events',
      message: expect.stringMatching(/kept changing while paging/),
    });
    const wm = store.watermarks.get(USAGE_EVENTS_STREAM) ?? 0;
    expect(db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get()).toBe(
      api.events.filter((e) => e.timestampMs <= wm).length,
    );
  });

  it('isolates failing steps (partial), fails when all fail, and scrubs keys from errors', async () => {
    api.failOn.add('spend');
    const partial = await createCollector({ store, api, now: () => NOW, secrets: ['key_secretsecret123'] }).run();
    expect(partial.status).toBe('partial');
    expect(partial.errors).toHaveLength(1);
    expect(partial.errors[0].step).toBe('spend');
    expect(partial.errors[0].message).not.toContain('secretsecret123');
    expect(partial.rowsWritten.members).toBe(1);
    api.failAll = true;
    const failed = await createCollector({ store, api, now: () => NOW }).run();
    expect(failed.status).toBe('failed');
    expect(JSON.stringify(store.runs.list())).not.toContain('secretsecret123');
  });

  it('refuses a second concurrent run in-process and from another collector on the same database', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = {
      ...api,
      members: async () => {
        await gate;
        return api.members_;
      },
    } as unknown as CursorApi;
    Object.setPrototypeOf(slow, FakeApi.prototype);
    const first = createCollector({ store, api: slow, now: () => NOW });
    const running = first.run();
    expect(first.running).toBe(true);
    await expect(first.run()).rejects.toBeInstanceOf(CollectorBusyError);
    await expect(createCollector({ store, api, now: () => NOW }).run()).rejects.toThrow(/already running/);
    release();
    await running;
    await expect(createCollector({ store, api, now: () => NOW }).run()).resolves.toMatchObject({ status: 'ok' });
  });

  it('marks runs left running by a crash as interrupted', async () => {
    db.prepare("INSERT INTO collection_runs (kind, started_ms, status) VALUES ('collect', 1, 'running')").run();
    await createCollector({ store, api, now: () => NOW }).run();
    expect(store.runs.list().map((r) => r.status)).toEqual(['ok', 'interrupted']);
    expect(store.runs.list()[1].endedMs).toBe(NOW);
  });

  it('runs a collector added to the registry that reads its endpoint through api.request', async () => {
    api.bodies['/teams/things'] = { things: [{ id: 1 }, { id: 2 }] };
    const things: CollectStep = {
      name: 'things',
      async run(ctx) {
        const rows = await ctx.api.request(
          { method: 'GET', path: '/teams/things' },
          (b) => (JSON.parse(String(b)) as { things: unknown[] }).things,
        );
        return { things: rows.length };
      },
    };
    const r = await createCollector({ store, api, now: () => NOW, steps: [...COLLECTORS, things] }).run();
    expect(r.status).toBe('ok');
    expect(r.steps.things.ok).toBe(true);
    expect(r.rowsWritten.things).toBe(2);
    expect(Object.keys(r.steps)).toEqual([...COLLECTORS.map((c) => c.name), 'things']);
  });

  it('runs afterStep after each step, a failed one too, before the next; its own failure is not the run’s', async () => {
    const order: string[] = [];
    const step = (name: string, fail = false): CollectStep => ({
      name,
      async run() {
        order.push(name);
        if (fail) throw new Error('boom');
        return {};
      },
    });
    const r = await createCollector({
      store,
      api,
      now: () => NOW,
      steps: [step('a'), step('b', true), step('c')],
      afterStep: async (name) => {
        order.push(`after ${name}`);
        if (name === 'c') throw new Error('packing failed');
      },
    }).run();
    expect(order).toEqual(['a', 'after a', 'b', 'after b', 'c', 'after c']);
    expect(r.status).toBe('partial');
    expect(r.errors.map((e) => e.step)).toEqual(['b']);
  });

  it('validates backfill days and reaches back that far', async () => {
    const c = createCollector({ store, api, now: () => NOW });
    await expect(c.run({ kind: 'backfill', days: 91 })).rejects.toThrow(/1 to 90/);
    api.events.push(event(NOW - 40 * DAY_MS, 'a@x.io', 3));
    const progress: number[] = [];
    const r = await c.run({ kind: 'backfill', days: 45, onProgress: (p) => progress.push(p.pagesDone) });
    expect(r.kind).toBe('backfill');
    expect(r.rowsWritten.usage_events).toBe(21);
    expect(progress.length).toBeGreaterThan(40);
  });
});
