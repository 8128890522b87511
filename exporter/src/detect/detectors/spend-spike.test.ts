import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { type UserSpec, at, flat, team } from '../test-fixtures';
import { spendSpike } from './spend-spike';

// Alice spends $20 a day on days 0–6 (avg $20, 5× threshold $100) and `usd` on day 7; the run is on day 8.
const alice = (usd: number, history = flat(20, 7)): UserSpec => ({ email: 'alice@x.io', name: 'Alice', spend: [...history, usd] });
const run = (users: UserSpec[], now = at(8)) => spendSpike(makeContext(team({ days: 9, users }), DEFAULT_SETTINGS, now)).findings;

describe('spend_spike', () => {
  it.each([
    ['just below', 99.99, null],
    ['at 5×', 100, null],
    ['just above', 100.01, 'warning'],
    ['at 15×', 300, 'warning'],
    ['above 15×', 300.01, 'critical'],
  ])('%s ($%d)', (_l, usd, severity) => {
    const f = run([alice(usd)]);
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity) expect(f[0]).toMatchObject({ day: '2026-03-08', value: usd, baseline: 20, threshold: 100, key: 'spend_spike:alice@x.io', notify: true });
  });

  it('writes the reference sentence', () => {
    expect(run([alice(214, flat(51, 7))])).toEqual([]); // 4.2×: below 5×
    const [g] = run([alice(214, flat(40, 7))]);
    expect(g.message).toBe('Alice: daily spend spiked to $214 (5.3× their 7-day avg of $40.00) — model: claude-4.5-sonnet');
  });

  it('counts days without spend as zeros (the reference skipped them)', () => {
    // $35 on 4 of 7 days: avg $20, so $100.01 fires; averaging only active days ($35) would need $175.
    expect(run([alice(100.01, [35, 35, 35, 35, 0, 0, 0])])).toHaveLength(1);
  });

  it("does not compare a new hire's first week against days before they started", () => {
    expect(run([alice(500, [0, 0, 0, 5, 5, 5, 5])])).toEqual([]);
  });

  it.each([
    [9.99, false],
    [10, true],
  ])('records a $%d spike and notifies only from the $10 floor', (usd, notify) => {
    const [f] = run([alice(usd, flat(1.5, 7))]);
    expect(f).toMatchObject({ value: usd, threshold: 7.5, notify });
  });

  it('ignores partial today unless it already exceeds', () => {
    const partial = (usd: number) => run([{ email: 'alice@x.io', spend: [...flat(20, 8), usd] }], at(8, 9));
    expect(partial(60)).toEqual([]);
    expect(partial(100.01)).toMatchObject([{ day: '2026-03-09' }]);
  });

  it('discounts a one-day surge of the whole team', () => {
    const everyone = (usd: number) => Array.from({ length: 6 }, (_, i) => ({ email: `u${i}@x.io`, spend: [...flat(20, 7), usd] }));
    expect(run(everyone(110))).toEqual([]);
    const lone = [...everyone(20).slice(1), { email: 'u0@x.io', spend: [...flat(20, 7), 110] }];
    expect(run(lone).map((f) => f.email)).toEqual(['u0@x.io']);
  });

  it('needs spend on 3 of the 7 lookback days', () => {
    expect(run([alice(100.01, [70, 70, 0, 0, 0, 0, 0])])).toEqual([]); // avg $20, 2 active days
    expect(run([alice(100.01, [50, 45, 45, 0, 0, 0, 0])])).toHaveLength(1); // avg $20, 3 active days
  });

  it('discounts the team level only from a 1.3× surge (an ordinary weekday is not one)', () => {
    const team = (othersToday: number) => [
      ...Array.from({ length: 5 }, (_, i) => ({ email: `u${i}@x.io`, spend: [...flat(20, 7), othersToday] })),
      alice(120),
    ];
    expect(run(team(25))).toHaveLength(1); // level 1.25: not discounted, 6× fires
    expect(run(team(26))).toEqual([]); // level 1.3: threshold 5 × 1.3 × $20 = $130
  });

  it('needs a trailing average of at least $1 a day', () => {
    expect(run([alice(80, flat(0.99, 7))])).toEqual([]);
  });
});
