import { DAY_MS } from '../domain/time';
import { ReadModel } from '../queries/read-model';
import { Store } from '../store';
import { ApiContext } from './context';
import { NOW, seedTeam } from './testing';

// A window's member figures are a few MB at 10,000 people. Kept as one result entry per window
// (500 of them) they grew the heap by ~6 MB for every range a dashboard was dragged through, until
// the next collection: 61 windows, +428 MB. They are a shared intermediate, bounded in number.
describe('ApiContext.teamStats', () => {
  test('shares a window’s figures within a store generation and keeps a bounded number of windows', () => {
    const db = seedTeam();
    const store = new Store(db);
    const ctx = new ApiContext(store, new ReadModel(store), () => NOW);
    const w = ctx.window(NOW - 30 * DAY_MS, NOW);
    const first = ctx.teamStats(w);
    expect(ctx.teamStats(w)).toBe(first);
    for (let k = 1; k <= 20; k++) ctx.teamStats(ctx.window(NOW - (30 + k) * DAY_MS, NOW - k * DAY_MS));
    const again = ctx.teamStats(w);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    db.close();
  });

  test('with result caching off, the members table and a drilldown still share one computation', () => {
    const db = seedTeam();
    const store = new Store(db);
    const ctx = new ApiContext(store, new ReadModel(store, { maxEntries: 0 }), () => NOW);
    const w = ctx.window(NOW - 7 * DAY_MS, NOW);
    expect(ctx.teamStats(w)).toBe(ctx.teamStats(w));
    db.close();
  });
});
