import { makeContext } from '../context';
import { at, settingsWith, team } from '../test-fixtures';
import { teamBudget } from './team-budget';

const run = (spend: number[], budgets: { teamCycleUsd?: number; groupCycleUsd?: Record<string, number> }) =>
  teamBudget(
    makeContext(
      team({
        days: 4,
        groups: [{ id: 'group_a', name: 'Platform' }],
        users: [
          { email: 'a@x.io', group: 'group_a', spend },
          { email: 'b@x.io', spend: [0, 0, 0, 0] },
        ],
      }),
      settingsWith({ budgets }),
      at(3),
    ),
  ).findings;

describe('team_budget', () => {
  it.each([
    [99.99, null],
    [100, 'warning'],
    [109.99, 'warning'],
    [110, 'critical'],
  ])('team spend $%d against $100 → %s', (usd, severity) => {
    const f = run([usd / 4, usd / 4, usd / 2], { teamCycleUsd: 100 });
    expect(f.map((x) => x.severity)).toEqual(severity ? [severity] : []);
    if (severity)
      expect(f[0]).toMatchObject({
        subject: 'team',
        key: 'team_budget:team',
        threshold: 100,
        onsetMs: Date.parse('2026-03-03T00:00:00Z'),
      });
  });

  it('writes the share of the budget', () => {
    expect(run([104], { teamCycleUsd: 100 })[0].message).toBe('Team: cycle spend $104 is 104% of the $100 budget');
  });

  it('covers budgeted groups, and is off at 0', () => {
    expect(run([150], { groupCycleUsd: { group_a: 120 } }).map((f) => [f.key, f.groupName, f.severity])).toEqual([
      ['team_budget:group:group_a', 'Platform', 'critical'],
    ]);
    expect(run([1e6], {})).toEqual([]);
  });
});
