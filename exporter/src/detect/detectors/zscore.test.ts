import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { type UserSpec, at, flat, settingsWith, team } from '../test-fixtures';
import { zscore } from './zscore';

// Five people over days 0–6: 17 user-days at $40, 17 at $20, one at $30 → μ = $30 and sample σ = $10
// exactly, so the 2.5σ threshold is $55. X has no spend in the window and spends on day 7.
const base: UserSpec[] = [
  { email: 'a@x.io', spend: flat(40, 7) },
  { email: 'b@x.io', spend: flat(40, 7) },
  { email: 'c@x.io', spend: flat(20, 7) },
  { email: 'd@x.io', spend: flat(20, 7) },
  { email: 'e@x.io', spend: [40, 40, 40, 20, 20, 20, 30] },
];
const withX = (usd: number, extra: UserSpec[] = []) =>
  team({ days: 9, users: [...base, { email: 'x@x.io', name: 'Xavier', spend: [0, 0, 0, 0, 0, 0, 0, usd] }, ...extra] });

describe('zscore', () => {
  it.each([
    ['just below', 54.99, null],
    ['at the threshold', 55, null],
    ['just above', 55.01, 'warning'],
    ['well above', 75, 'warning'],
    ['above 3k = 7.5σ', 105.01, 'critical'],
  ])('%s ($%d)', (_label, usd, severity) => {
    const out = zscore(makeContext(withX(usd), DEFAULT_SETTINGS, at(8)));
    const f = out.findings.filter((x) => x.email === 'x@x.io');
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity) {
      expect(f[0]).toMatchObject({
        day: '2026-03-08',
        value: usd,
        baseline: 30,
        threshold: 55,
        unit: 'usd',
        key: 'zscore:x@x.io',
      });
      expect(f[0].message).toBe(
        `Xavier: daily spend $${usd >= 100 ? usd.toFixed(0) : usd.toFixed(2)} is ${((usd - 30) / 10).toFixed(1)}σ above team mean ($30.00) — model: claude-4.5-sonnet`,
      );
    }
  });

  it('counts active users only: people without spend do not dilute the distribution', () => {
    const idle = Array.from({ length: 20 }, (_, i) => ({ email: `idle${i}@x.io`, spend: flat(0, 9) }));
    const out = zscore(makeContext(withX(55.01, idle), DEFAULT_SETTINGS, at(8)));
    expect(out.findings.map((f) => [f.email, f.threshold])).toEqual([['x@x.io', 55]]);
  });

  it('fires with six spenders, where the reference (population σ, one day) could not reach 2.5σ', () => {
    expect(zscore(makeContext(withX(80), DEFAULT_SETTINGS, at(8))).findings).toHaveLength(1);
  });

  it('needs minSamples active user-days in the window', () => {
    const s = settingsWith({ zscore: { minSamples: 36 } });
    expect(zscore(makeContext(withX(80), s, at(8))).findings).toEqual([]);
  });

  it.each([
    ['below the $100 floor: recorded, no alert', 95, false],
    ['at the floor', 100, true],
    ['above the floor', 110, true],
  ])('notification floor, %s', (_label, usd, notify) => {
    const s = settingsWith({ zscore: { multiplier: 1 } }); // threshold μ + σ = $40
    const f = zscore(makeContext(withX(usd), s, at(8))).findings.filter((x) => x.email === 'x@x.io');
    expect(f.map((x) => x.notify)).toEqual([notify]);
  });

  it.each([
    ['$190 on a day the team doubles reads $95: recorded, no alert', 190, false],
    ['$220 on that day reads $110: alert', 220, true],
  ])('judges the $100 floor at the team level of the day: %s', (_label, usd, notify) => {
    // Everyone spends twice their usual on day 7 (level = lower median 60 / 30 = 2); X is judged at usd / 2.
    const doubled = base.map((u) => ({ ...u, spend: [...(u.spend ?? []), (u.spend?.[6] ?? 0) * 2] }));
    const facts = team({
      days: 9,
      users: [...doubled, { email: 'x@x.io', name: 'Xavier', spend: [0, 0, 0, 0, 0, 0, 0, usd] }],
    });
    const f = zscore(makeContext(facts, DEFAULT_SETTINGS, at(8))).findings.filter((x) => x.email === 'x@x.io');
    expect(f).toHaveLength(1);
    expect(f[0].threshold).toBe(110); // (μ + 2.5σ) × level
    expect(f[0].notify).toBe(notify);
  });

  it('applies the % floor against the team spend of the day', () => {
    const s = settingsWith({ zscore: { multiplier: 1 } });
    s.floors.zscore = { minUsd: 0, minPercent: 50 }; // X must be half of the day's team spend
    const low = zscore(
      makeContext(withX(60, [{ email: 'y@x.io', spend: [0, 0, 0, 0, 0, 0, 0, 61] }]), s, at(8)),
    ).findings;
    expect(low.find((x) => x.email === 'x@x.io')?.notify).toBe(false);
    const high = zscore(
      makeContext(withX(60, [{ email: 'y@x.io', spend: [0, 0, 0, 0, 0, 0, 0, 60] }]), s, at(8)),
    ).findings;
    expect(high.find((x) => x.email === 'x@x.io')?.notify).toBe(true);
  });
});
