import { DAY_MS } from '../domain/time';
import { ReadModel } from '../queries/read-model';
import type { TeamStats } from '../queries/members';
import { Store } from '../store';
import { ApiContext } from './context';
import { NOW, seedTeam } from './testing';
import { warmApiCache, WARM_RANGES_DAYS } from './warm';

/** Everyone's figures, by spend rank. */
const ranked = (s: TeamStats) => Array.from(s.order, (i) => s.member(i));

/** SQL statements prepared while `fn` runs (PRAGMAs of the cache's own generation check left out). */
function queriesDuring(db: ReturnType<typeof seedTeam>, fn: () => void): string[] {
  const spy = jest.spyOn(db, 'prepare');
  try {
    fn();
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
  test('after warming, the default dashboard ranges are answered without SQL; a write makes them compute again', () => {
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
    expect(queriesDuring(db, () => warmApiCache(ctx)).length).toBeGreaterThan(0);
    expect(queriesDuring(db, dashboard)).toEqual([]);
    db.prepare("UPDATE members SET name = 'Alicia' WHERE email = 'alice@acme.io'").run();
    expect(queriesDuring(db, dashboard).length).toBeGreaterThan(0);
    db.close();
  });

  test('shows the cycle’s writes at once, whatever the read cache’s lag', () => {
    const db = seedTeam();
    const store = new Store(db);
    const ctx = new ApiContext(store, new ReadModel(store, { lagMs: 60_000, clock: () => 0 }), () => NOW);
    const w = ctx.window(NOW - 7 * DAY_MS, NOW);
    const alice = () => ranked(ctx.teamStats(w)).find((m) => m.email === 'alice@acme.io')?.name;
    expect(alice()).toBe('Alice');
    db.prepare("UPDATE members SET name = 'Alicia' WHERE email = 'alice@acme.io'").run();
    expect(alice()).toBe('Alice'); // within the lag
    warmApiCache(ctx);
    expect(alice()).toBe('Alicia');
    db.close();
  });

  test('the warmed results are the ones a cold request computes', () => {
    const db = seedTeam();
    const warm = contextOver(db);
    warmApiCache(warm);
    const cold = contextOver(db);
    const w = cold.window(NOW - 30 * DAY_MS, NOW);
    expect(warm.teamStats(w)).toEqual(cold.teamStats(w));
    expect(warm.cycleSummary({})).toEqual(cold.cycleSummary({}));
    db.close();
  });
});
