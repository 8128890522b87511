import { HOUR_MS } from '../../domain/time';
import { burnRates } from '../burn';
import { makeContext } from '../context';
import { at, settingsWith, team } from '../test-fixtures';
import { budgetBurn } from './budget-burn';

// A $3,000 budget over a 30-day cycle is $100/day on pace, $4.1667/hour. The run is day 10, 12:00.
const now = at(10);
function run(perHour: (hoursAgo: number) => number) {
  const hourly = Array.from({ length: 72 }, (_, i) => ({
    email: 'a@x.io',
    hourMs: now - (i + 1) * HOUR_MS,
    usd: perHour(i),
  }));
  const ctx = makeContext(
    team({
      days: 11,
      users: [{ email: 'a@x.io', spend: Array.from({ length: 11 }, () => 100) }],
      hourly,
      hourlyEndMs: now,
    }),
    settingsWith({ budgets: { teamCycleUsd: 3000 } }),
    now,
  );
  const burn = burnRates(ctx);
  return { burn, findings: budgetBurn(ctx, burn).findings };
}

describe('budget_burn', () => {
  it('computes each window as budget share ÷ cycle share', () => {
    const { burn } = run(() => 100 / 24);
    expect(burn).toHaveLength(1);
    expect(burn[0].windows.map((w) => w.rate)).toEqual([1, 1, 1, 1]);
    expect(burn[0]).toMatchObject({ subject: 'team', budgetMicro: 3000e8, fastBurn: false, slowBurn: false });
  });

  it.each([
    ['1h and 6h just above 14.4×', (h: number) => (h < 6 ? 60.01 : 4), 'critical'],
    ['1h above but 6h below', (h: number) => (h < 1 ? 200 : 4), null],
    ['1d and 3d above 3×', () => 12.51, 'warning'],
    ['1d and 3d at 3×', () => 12.5, null],
  ])('%s', (_l, perHour, severity) => {
    const { findings } = run(perHour);
    expect(findings.map((f) => f.severity)).toEqual(severity ? [severity] : []);
    if (severity) expect(findings[0]).toMatchObject({ key: 'budget_burn:team', unit: 'ratio', baseline: 1 });
  });
});
