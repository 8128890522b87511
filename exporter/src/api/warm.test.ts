import { DAY_MS } from '../domain/time';
import { ReadModel } from '../queries/read-model';
import { Store } from '../store';
import { ApiContext } from './context';
import { NOW, seedTeam } from './testing';
import { warmApiCache, WARM_RANGES_DAYS } from './warm';

/** SQL statements prepared while `fn` runs (PRAGMAs of the cache's own generation check left out). */
async function queriesDuring(db: ReturnType<typeof seedTeam>, fn: () => unknown): Promise<string[]> {
  const spy = jest.spyOn(db, 'prepare');
  try {
    await fn();
    return spy.mock.calls.map((c) => String(c[0])).filter((sql) => !sql.startsWith('PRAGMA'));
  } finally {
    spy.mockRestore();
  }
}

function contextOver(db: ReturnType<typeof seedTeam>): ApiContext {
  const store = new Store(db);
  return new ApiContext(store, new ReadModel(store), () => NOW);
}

describe('warmApiCache', () => {
  test('after warming, the default dashboard ranges are answered without SQL; a write makes them compute again', async () => {
    const db = seedTeam();
    const ctx = contextOver(db);
    const dashboard = () => {
      for (const days of WARM_RANGES_DAYS) {
        const w = ctx.window(NOW - days * DAY_MS, NOW);
        ctx.teamStats(w);
        ctx.modelCosts(w, {});
      }
      ctx.cycleSummary({});
    };
    expect((await queriesDuring(db, () => warmApiCache(ctx))).length).toBeGreaterThan(0);
    expect(await queriesDuring(db, dashboard)).toEqual([]);
    db.prepare("UPDATE members SET name = 'Alicia' WHERE email = 'alice@acme.io'").run();
    expect((await queriesDuring(db, dashboard)).length).toBeGreaterThan(0);
    db.close();
  });

  test('the warmed results are the ones a cold request computes', async () => {
    const db = seedTeam();
    const warm = contextOver(db);
    await warmApiCache(warm);
    const cold = contextOver(db);
    const w = cold.window(NOW - 30 * DAY_MS, NOW);
    expect(warm.teamStats(w)).toEqual(cold.teamStats(w));
    expect(warm.cycleSummary({})).toEqual(cold.cycleSummary({}));
    db.close();
  });

  test('lets the event loop turn between tables', async () => {
    const db = seedTeam();
    // A callback that re-queues itself each turn: it runs only where the warm-up yields.
    let turns = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    await warmApiCache(contextOver(db));
    done = true;
    expect(turns).toBeGreaterThanOrEqual(4);
    db.close();
  });
});
