import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, settingsWith, team } from '../test-fixtures';
import { planExhausted } from './plan-exhausted';

const facts = (usageBased: number[]) =>
  team({ days: 6, users: [{ email: 'p@x.io', name: 'Pat', spend: [5, 5, 5, 5, 5, 5], usageBased }] });

describe('plan_exhausted', () => {
  it('finds the first usage-based day of the cycle, as info that does not notify by default', () => {
    const [f] = planExhausted(makeContext(facts([0, 0, 0, 4, 0, 6]), DEFAULT_SETTINGS, at(5))).findings;
    expect(f).toMatchObject({
      severity: 'info',
      notify: false,
      value: 10,
      threshold: 0,
      unit: 'requests',
      onsetMs: Date.parse('2026-03-04T00:00:00Z'),
      key: 'plan_exhausted:p@x.io',
    });
    expect(f.message).toBe(
      'Pat: exceeded included plan usage on day 4 of cycle (2026-03-04). 10 extra requests billed since.',
    );
  });

  it('notifies when enableInfoAnomalies is on', () => {
    const [f] = planExhausted(
      makeContext(facts([0, 0, 0, 4, 0, 6]), settingsWith({ enableInfoAnomalies: true }), at(5)),
    ).findings;
    expect(f.notify).toBe(true);
  });

  it('finds nothing without usage-based requests', () => {
    expect(planExhausted(makeContext(facts([0, 0, 0, 0, 0, 0]), DEFAULT_SETTINGS, at(5))).findings).toEqual([]);
  });
});
