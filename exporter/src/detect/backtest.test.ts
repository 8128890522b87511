import { backtest } from './backtest';
import { detect } from './detect';
import { DEFAULT_SETTINGS } from './settings';
import { day, endOf, settingsWith, team } from './test-fixtures';

// 12 people over 40 days with a deterministic wobble, a spike (Ann, day 25), a cost jump (Ben, day 30)
// and a cap crossing; backtest days 20–39.
function wobble(seed: number, i: number): number {
  const x = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
  return x - Math.floor(x);
}
const users = Array.from({ length: 12 }, (_, u) => ({
  email: `u${u}@x.io`,
  spend: Array.from({ length: 40 }, (_, i) => 10 + 10 * wobble(u, i)),
  requests: Array.from({ length: 40 }, () => 20),
}));
users[0].spend[25] = 400;
users[1].spend[30] = 120;
users[1].requests[30] = 10;
const facts = team({ days: 40, users });

describe('backtest', () => {
  it('returns, for every day, exactly the findings of a detection run at the end of that day', () => {
    const s = settingsWith({ thresholds: { maxSpendUsdPerCycle: 450 } });
    const result = backtest(facts, s, day(20), day(39));
    expect(result.days.map((d) => d.day)).toEqual(Array.from({ length: 20 }, (_, i) => day(20 + i)));
    for (const [i, d] of result.days.entries()) expect(d.findings).toEqual(detect(facts, s, endOf(20 + i)).findings);
    expect(result.days.flatMap((d) => d.findings).length).toBeGreaterThan(0);
  });

  it('raises one alert per incident: repeated findings of an open key do not alert again', () => {
    const { alerts, days } = backtest(facts, DEFAULT_SETTINGS, day(20), day(39));
    const spikeDays = days.filter((d) => d.findings.some((f) => f.key === 'spend_spike:u0@x.io')).map((d) => d.day);
    expect(spikeDays).toEqual([day(25), day(26)]); // found on its day and, as yesterday, the day after
    expect(alerts.filter((f) => f.key === 'spend_spike:u0@x.io').map((f) => f.day)).toEqual([day(25)]);
    expect(alerts.filter((f) => f.key.startsWith('cost_per_request:u1@x.io')).map((f) => f.day)).toEqual([day(30)]);
  });

  it('re-alerts only after the key was clear for autoResolveAfterRuns runs', () => {
    // A second spike on day 33: the key is clear on days 27–32 (6 runs).
    const again = team({
      days: 40,
      users: users.map((u, i) => (i === 0 ? { ...u, spend: u.spend.map((v, d) => (d === 33 ? 400 : v)) } : u)),
    });
    const alerted = (n: number) =>
      backtest(again, settingsWith({ autoResolveAfterRuns: n }), day(20), day(39))
        .alerts.filter((f) => f.key === 'spend_spike:u0@x.io')
        .map((f) => f.day);
    expect(alerted(6)).toEqual([day(25), day(33)]);
    expect(alerted(7)).toEqual([day(25)]);
  });
});

describe('backtest of a level shift', () => {
  // u2 runs at $60 (about 4× her $10–20 days) on days 30–33: the third such day opens an incident.
  const shifted = team({
    days: 40,
    users: users.map((u, i) => (i === 2 ? { ...u, spend: u.spend.map((v, d) => (d >= 30 && d <= 33 ? 60 : v)) } : u)),
  });
  const alerted = (multiplier: number) =>
    backtest(shifted, settingsWith({ levelShift: { multiplier } }), day(20), day(39))
      .alerts.filter((f) => f.detector === 'level_shift')
      .map((f) => [f.email, f.day]);

  it('shows what the level_shift settings would have alerted, with the same code as detection', () => {
    expect(alerted(3)).toEqual([['u2@x.io', day(32)]]);
    expect(alerted(5)).toEqual([]);
  });
});
