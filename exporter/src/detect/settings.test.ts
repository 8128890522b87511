import { DEFAULT_SETTINGS, upgradeSettings, validateSettings } from './settings';

describe('detection settings', () => {
  it('defaults equal the reference', () => {
    expect(DEFAULT_SETTINGS.thresholds).toEqual({ maxSpendUsdPerCycle: 0, maxRequestsPerDay: 0, maxTokensPerDay: 0 });
    expect(DEFAULT_SETTINGS.zscore).toMatchObject({ multiplier: 2.5, windowDays: 7 });
    // The spike is judged against the user's median working day (not a 7-day average with days off
    // as zeros, which the reference's 5× multiplied): 4× of it is about the reference's 5× for a
    // person working five days a week, and catches the 4–5× spikes the reference missed.
    expect(DEFAULT_SETTINGS.trends).toMatchObject({
      spendSpikeMultiplier: 4,
      spendSpikeLookbackDays: 28,
      cycleOutlierMultiplier: 10,
    });
    expect(DEFAULT_SETTINGS.levelShift).toEqual({ multiplier: 3, windowDays: 7, minDays: 3, minExcessUsdPerDay: 15 });
    expect(DEFAULT_SETTINGS.costPerRequest).toMatchObject({ multiplier: 3, minDailySpendUsd: 20 });
    expect(DEFAULT_SETTINGS.budgets.teamCycleUsd).toBe(0);
    expect(DEFAULT_SETTINGS.enableInfoAnomalies).toBe(false);
    expect(Object.isFrozen(DEFAULT_SETTINGS.zscore)).toBe(true);
  });

  it('merges a partial object over the base and validates the result', () => {
    const r = validateSettings({ zscore: { multiplier: 3 }, budgets: { groupCycleUsd: { group_a: 500 } } });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.zscore).toEqual({ ...DEFAULT_SETTINGS.zscore, multiplier: 3 });
      expect(r.value.budgets.groupCycleUsd).toEqual({ group_a: 500 });
    }
  });

  it('names every bad field with a clear message', () => {
    const r = validateSettings({
      zscore: { multiplier: -1, windowDays: 2.5 },
      trends: { spendSpikeMultiplier: 'five' },
      bogus: 1,
      budgets: { groupCycleUsd: { g: -5 } },
    });
    expect(r).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { field: 'zscore.multiplier', message: 'must be a number from 0.5 to 50' },
        { field: 'zscore.windowDays', message: 'must be a whole number from 1 to 90' },
        { field: 'trends.spendSpikeMultiplier', message: 'must be a number from 1.1 to 1000' },
        { field: 'bogus', message: 'Unexpected property' },
        { field: 'budgets.groupCycleUsd.g', message: 'must be a number from 0 to 100000000' },
      ]),
    });
    if (!r.ok) expect(r.errors).toHaveLength(5);
  });

  it.each([null, [], 'x', 3])('rejects a non-object (%p)', (input) => {
    expect(validateSettings(input)).toEqual({
      ok: false,
      errors: [{ field: '', message: 'settings must be a JSON object' }],
    });
  });
});

describe('settings saved by an earlier version', () => {
  /** A whole document as the version before own baselines saved it (no teamFactorCap, no levelShift). */
  const saved = (trends: Record<string, number>, spikeFloorUsd = 10) => {
    const doc = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, Record<string, unknown>>;
    const { teamFactorCap: _cap, ...oldTrends } = doc.trends;
    doc.trends = { ...oldTrends, spendSpikeMultiplier: 5, spendSpikeLookbackDays: 7, spikeMinActiveDays: 3, ...trends };
    delete (doc as Record<string, unknown>).levelShift;
    (doc.floors as Record<string, unknown>).spend_spike = { minUsd: spikeFloorUsd, minPercent: 0 };
    return doc;
  };
  const load = (doc: unknown) => {
    const r = validateSettings(upgradeSettings(doc));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  };

  it("takes the old spike defaults (5× a 7-day average, $10 of the day's spend) to today's", () => {
    const s = load(saved({}));
    expect(s.trends).toMatchObject({
      spendSpikeMultiplier: 4,
      spendSpikeLookbackDays: 28,
      spikeMinActiveDays: 4,
      teamFactorCap: 10,
    });
    expect(s.floors.spend_spike.minUsd).toBe(15);
    expect(s.levelShift).toEqual(DEFAULT_SETTINGS.levelShift);
  });

  it('carries a chosen spike line over to a working day (× 5/7) and keeps chosen floors and longer lookbacks', () => {
    const s = load(saved({ spendSpikeMultiplier: 7, spendSpikeLookbackDays: 42, spikeMinActiveDays: 6 }, 25));
    expect(s.trends).toMatchObject({ spendSpikeMultiplier: 5, spendSpikeLookbackDays: 42, spikeMinActiveDays: 6 });
    expect(s.floors.spend_spike.minUsd).toBe(25);
  });

  it('drops the renamed level-drift settings and raises a too-short levelWeeks', () => {
    const doc = {
      ...structuredClone(DEFAULT_SETTINGS),
      drift: { ...DEFAULT_SETTINGS.drift, levelWeeks: 3, minLevelGrowthPercent: 15, minLevelTStat: 4 },
    };
    expect(validateSettings(doc).ok).toBe(false); // what loading did before: the whole document ignored
    expect(load(doc).drift).toEqual({ ...DEFAULT_SETTINGS.drift, levelWeeks: 5 });
  });

  it("raises a team factor cap left at its first default (3) to today's, and keeps another chosen one", () => {
    const doc = (cap: number) => ({
      ...structuredClone(DEFAULT_SETTINGS),
      trends: { ...DEFAULT_SETTINGS.trends, teamFactorCap: cap },
    });
    expect(load(doc(3)).trends.teamFactorCap).toBe(DEFAULT_SETTINGS.trends.teamFactorCap);
    expect(load(doc(5)).trends.teamFactorCap).toBe(5);
  });

  it("lowers a level-drift z left at its first default (3) to today's, and keeps another chosen one", () => {
    const doc = (z: number) => ({
      ...structuredClone(DEFAULT_SETTINGS),
      drift: { ...DEFAULT_SETTINGS.drift, minLevelZ: z },
    });
    expect(DEFAULT_SETTINGS.drift.minLevelZ).not.toBe(3);
    expect(load(doc(3)).drift.minLevelZ).toBe(DEFAULT_SETTINGS.drift.minLevelZ);
    expect(load(doc(4)).drift.minLevelZ).toBe(4);
  });

  it("leaves today's documents as they are, and does not modify its input", () => {
    const doc = structuredClone({
      ...DEFAULT_SETTINGS,
      trends: { ...DEFAULT_SETTINGS.trends, spendSpikeMultiplier: 5 },
    });
    const copy = structuredClone(doc);
    expect(upgradeSettings(doc)).toEqual(doc);
    expect(doc).toEqual(copy);
    const old = saved({});
    const oldCopy = structuredClone(old);
    upgradeSettings(old);
    expect(old).toEqual(oldCopy);
  });
});
