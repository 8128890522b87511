import { openDb } from '../store/db';
import { QueryCache } from './cache';

describe('QueryCache.share', () => {
  test('keeps the intermediates in use: the least recently used goes first, and any write empties it', () => {
    const db = openDb(':memory:');
    const cache = new QueryCache(db, 0, 2);
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
});
