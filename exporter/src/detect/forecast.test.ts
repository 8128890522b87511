import { makeContext } from './context';
import { forecasts } from './forecast';
import { DEFAULT_SETTINGS } from './settings';
import { USD, at, settingsWith, team } from './test-fixtures';

// Spend 10 + 2t dollars on day t (t = 0…9), $5 so far today (day 10); 30-day cycle from day 0.
const trend = Array.from({ length: 10 }, (_, t) => 10 + 2 * t);

describe('forecast', () => {
  it('extrapolates a known linear trend exactly, with a zero-width range', () => {
    const f = forecasts(
      makeContext(team({ days: 11, users: [{ email: 'a@x.io', spend: [...trend, 5] }] }), DEFAULT_SETTINGS, at(10)),
    );
    const user = f.find((x) => x.subject === 'user');
    // Complete days: Σ(10 + 2t, t = 0…9) = 190; days 10…29: Σ(10 + 2t) = 980.
    expect(user).toMatchObject({
      email: 'a@x.io',
      cycleStartDay: '2026-03-01',
      cycleEndDay: '2026-03-30',
      asOfDay: '2026-03-10',
      daysElapsed: 10,
      daysTotal: 30,
      toDateMicro: 195 * USD,
      forecastMicro: 1170 * USD,
      lowMicro: 1170 * USD,
      highMicro: 1170 * USD,
      dailyRateMicro: 49 * USD,
      exhausted: false,
    });
    expect(f.find((x) => x.subject === 'team')?.forecastMicro).toBe(1170 * USD);
  });

  it('gives a range around a noisy series that contains the point', () => {
    const noisy = trend.map((x, i) => x + (i % 2 ? 3 : -3));
    const [u] = forecasts(
      makeContext(team({ days: 11, users: [{ email: 'a@x.io', spend: [...noisy, 5] }] }), DEFAULT_SETTINGS, at(10)),
    );
    expect(u.lowMicro).toBeLessThan(u.forecastMicro);
    expect(u.highMicro).toBeGreaterThan(u.forecastMicro);
    expect(u.lowMicro).toBeGreaterThanOrEqual(u.toDateMicro);
  });

  it('projects the day the included plan runs out', () => {
    const s = settingsWith({ forecast: { includedUsdPerUser: 500 } });
    const [u] = forecasts(
      makeContext(team({ days: 11, users: [{ email: 'a@x.io', spend: [...trend, 5] }] }), s, at(10)),
    );
    // 190 + 30 + 32 + … reaches $500 on day 18 (cumulative $532).
    expect(u).toMatchObject({ includedMicro: 500 * USD, exhaustionDay: '2026-03-19', exhausted: false });
  });

  it('reports an observed exhaustion day and infers the allowance from three exhausted people', () => {
    const users = ['a', 'b', 'c'].map((n) => ({
      email: `${n}@x.io`,
      spend: [20, 20, 20, 20],
      usageBased: [0, 0, 1, 1],
    }));
    const f = forecasts(makeContext(team({ days: 4, users }), DEFAULT_SETTINGS, at(3)));
    expect(f.filter((x) => x.subject === 'user').map((x) => [x.exhaustionDay, x.exhausted, x.includedMicro])).toEqual([
      ['2026-03-03', true, 50 * USD],
      ['2026-03-03', true, 50 * USD],
      ['2026-03-03', true, 50 * USD],
    ]);
  });
});
