import { DAY_MS } from '../domain/time';
import { openDb } from '../store/db';
import { migrations } from '../store/migrations';
import { addUsageDaily } from '../store/usage-daily';
import { dataAgeMs, freshness } from './health';

// Freshness for "Save & test": the newest successful collection, else the newest usage day.
describe('freshness', () => {
  it('is empty on a new store', () => {
    const f = freshness(openDb(':memory:'));
    expect(f).toEqual({
      schemaVersion: Math.max(...migrations.map((m) => m.version)),
      lastCollectionMs: null,
      lastCollectionStatus: null,
      latestUsageDay: null,
    });
    expect(dataAgeMs(f, 1_000)).toBeNull();
  });

  it('takes the latest finished ok or partial run, and the newest usage day', () => {
    const db = openDb(':memory:');
    const run = db.prepare('INSERT INTO collection_runs (kind, started_ms, ended_ms, status) VALUES (?, ?, ?, ?)');
    run.run('collect', 100, 200, 'ok');
    run.run('collect', 300, 400, 'partial');
    run.run('collect', 500, 600, 'failed'); // failed runs do not make data fresh
    run.run('collect', 700, null, 'running');
    addUsageDaily(db, [
      { day: '2026-05-10', email: 'a@x.io', model: 'm', events: 1 },
      { day: '2026-05-12', email: 'a@x.io', model: 'm', events: 1 },
    ]);
    const f = freshness(db);
    expect(f).toMatchObject({ lastCollectionMs: 400, lastCollectionStatus: 'partial', latestUsageDay: '2026-05-12' });
    expect(dataAgeMs(f, 1_400)).toBe(1_000);
    expect(dataAgeMs(f, 0)).toBe(0);
  });

  it('without a run, the data is as old as the end of its newest day', () => {
    const db = openDb(':memory:');
    addUsageDaily(db, [{ day: '2026-05-12', email: 'a@x.io', model: 'm', events: 1 }]);
    const endOfDay = Date.parse('2026-05-13T00:00:00Z');
    expect(dataAgeMs(freshness(db), endOfDay + 3 * DAY_MS)).toBe(3 * DAY_MS);
  });
});
