import { openDb } from '../store/db';
import { QueryCache } from './cache';

describe('QueryCache', () => {
  test('keeps the intermediates in use: the least recently used goes first, and any write empties it', () => {
    const db = openDb(':memory:');
    const cache = new QueryCache(db, { maxEntries: 0, maxShared: 2 });
    let computed = 0;
    const get = (key: string) => cache.share(key, () => ({ key, n: ++computed }));
    const a = get('a');
    get('b');
    expect(get('a')).toBe(a); // used again: now the most recent
    get('c'); // beyond two: b, the least recently used, goes
    expect(get('a')).toBe(a);
    const before = computed;
    get('b');
    expect(computed).toBe(before + 1);
    db.prepare("INSERT INTO meta (key, value, updated_ms) VALUES ('x', '1', 0)").run();
    expect(get('a')).not.toBe(a);
    db.close();
  });

  test('keeps results up to a number of frame rows in all; a frame larger than that is answered, not kept', () => {
    const db = openDb(':memory:');
    const cache = new QueryCache(db, { maxEntries: 10, maxShared: 2, maxRows: 5 });
    const frame = (n: number) => ({ columns: [], rows: Array.from({ length: n }, () => ({})) });
    let computed = 0;
    const get = (key: string, n: number) => cache.get(key, () => (computed++, frame(n)));
    const a = get('a', 3);
    get('b', 2);
    expect(get('a', 3)).toBe(a); // used again: now the most recent
    get('c', 2); // seven rows: b, the least recently used, goes
    expect(get('a', 3)).toBe(a);
    const before = computed;
    get('b', 2);
    expect(computed).toBe(before + 1);
    const big = get('big', 6);
    expect(get('big', 6)).not.toBe(big);
    expect(get('a', 3)).toBe(a);
    db.close();
  });

  test('with a lag, sees a write once the lag has passed, or at once after recheck()', () => {
    const db = openDb(':memory:');
    let now = 0;
    const cache = new QueryCache(db, { lagMs: 10_000, clock: () => now });
    let computed = 0;
    const get = () => cache.get('k', () => ++computed);
    const write = (v: string) =>
      db.prepare("INSERT OR REPLACE INTO meta (key, value, updated_ms) VALUES ('x', ?, 0)").run(v);
    expect(get()).toBe(1);
    write('1');
    now = 9_999;
    expect(get()).toBe(1); // within the lag: the answer from before the write
    now = 10_000;
    expect(get()).toBe(2);
    write('2');
    cache.recheck();
    expect(get()).toBe(3);
    now = 15_000;
    expect(get()).toBe(3); // nothing written since: kept
    const exact = new QueryCache(db);
    const n = exact.get('k', () => 'a');
    write('3');
    expect(exact.get('k', () => 'b')).not.toBe(n); // no lag: every write at once
    db.close();
  });
});
