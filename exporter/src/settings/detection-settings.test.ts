import { DEFAULT_SETTINGS } from '../detect/settings';
import { Store } from '../store';
import type { Db } from '../store/db';
import { loadSettings, readSettings, replaceSettings, updateSettings } from './detection-settings';

let store: Store;
let db: Db;
beforeEach(() => {
  store = Store.open(':memory:');
  db = store.db;
});
afterEach(() => store.close());

const rowCount = () => (db.prepare('SELECT COUNT(*) AS n FROM settings').get() as { n: number }).n;

describe('settings persistence', () => {
  it('returns the reference defaults when nothing was saved', () => {
    const s = readSettings(store);
    expect(s.source).toBe('defaults');
    expect(s.settings.zscore.multiplier).toBe(2.5);
    expect(s.settings.trends.spendSpikeMultiplier).toBe(4); // × the median working day (detect/settings.test.ts)
    expect(s.settings.trends.cycleOutlierMultiplier).toBe(10);
    expect(s.settings.thresholds.maxSpendUsdPerCycle).toBe(0);
  });

  it('merges a partial update over the current settings and persists it', () => {
    const r = updateSettings(store, { zscore: { multiplier: 3 } }, 1000);
    expect(r).toMatchObject({ ok: true });
    expect(loadSettings(store).zscore.multiplier).toBe(3);
    expect(loadSettings(store).zscore.windowDays).toBe(7);

    updateSettings(store, { trends: { spendSpikeMultiplier: 8 } }, 2000);
    const s = readSettings(store);
    expect(s.settings.zscore.multiplier).toBe(3); // kept from the first update
    expect(s.settings.trends.spendSpikeMultiplier).toBe(8);
    expect(s).toMatchObject({ source: 'stored', updatedMs: 2000 });
  });

  it('names every bad field and writes nothing', () => {
    updateSettings(store, { zscore: { multiplier: 3 } }, 1000);
    const before = db.prepare('SELECT value, updated_ms FROM settings').get();
    const r = updateSettings(
      store,
      { zscore: { multiplier: -1, windowDays: 'seven' }, trends: { spendSpikeMultiplier: 0 }, bogus: 1 },
      2000,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field).sort()).toEqual([
      'bogus',
      'trends.spendSpikeMultiplier',
      'zscore.multiplier',
      'zscore.windowDays',
    ]);
    expect(db.prepare('SELECT value, updated_ms FROM settings').get()).toEqual(before);
  });

  it('rejects a non-object body without writing', () => {
    expect(updateSettings(store, [1, 2], 1)).toMatchObject({ ok: false });
    expect(updateSettings(store, null, 1)).toMatchObject({ ok: false });
    expect(rowCount()).toBe(0);
  });

  it('replace puts omitted fields back to their defaults', () => {
    updateSettings(store, { zscore: { multiplier: 3 }, autoResolveAfterRuns: 5 }, 1);
    expect(replaceSettings(store, { autoResolveAfterRuns: 2 }, 2)).toMatchObject({ ok: true });
    const s = loadSettings(store);
    expect(s.zscore.multiplier).toBe(DEFAULT_SETTINGS.zscore.multiplier);
    expect(s.autoResolveAfterRuns).toBe(2);
  });

  it('ignores a saved document that no longer validates, and says why', () => {
    db.prepare(`INSERT INTO settings (key, value, updated_ms) VALUES ('detection', ?, 5)`).run(
      JSON.stringify({ zscore: { multiplier: 'x' } }),
    );
    const s = readSettings(store);
    expect(s.source).toBe('defaults');
    expect(s.settings).toEqual(DEFAULT_SETTINGS);
    expect(s.errors.map((e) => e.field)).toContain('zscore.multiplier');
  });

  it('reads a document saved before the own baselines with its spike settings upgraded (detect/settings upgradeSettings)', () => {
    const { teamFactorCap: _cap, ...trends } = DEFAULT_SETTINGS.trends;
    const old = {
      ...DEFAULT_SETTINGS,
      trends: { ...trends, spendSpikeMultiplier: 5, spendSpikeLookbackDays: 7, spikeMinActiveDays: 3 },
      drift: { ...DEFAULT_SETTINGS.drift, minLevelTStat: 4 },
    };
    db.prepare(`INSERT INTO settings (key, value, updated_ms) VALUES ('detection', ?, 5)`).run(JSON.stringify(old));
    const s = readSettings(store);
    expect(s).toMatchObject({ source: 'stored', errors: [] });
    expect(s.settings.trends).toMatchObject({
      spendSpikeMultiplier: 4,
      spendSpikeLookbackDays: 28,
      spikeMinActiveDays: 4,
    });
  });
});
