import { planFold, type UserWeight } from './fold';

const u = (user: string, cost: number, models = 1): UserWeight => ({ user, cost, models });

describe('planFold', () => {
  it('keeps everyone when the pairs fit the budget', () => {
    const plan = planFold([u('a', 1, 2), u('b', 2, 3)], 5, 3, new Set());
    expect([...plan.kept].sort()).toEqual(['a', 'b']);
    expect(plan.folded).toBe(0);
  });

  it('keeps the biggest spenders and reserves one pair per model for "other"', () => {
    // budget 6 - 2 pairs reserved for "other" (2 models) = 4: c (2) and a (2) fill it; b and d fold.
    const plan = planFold([u('a', 50, 2), u('b', 10, 2), u('c', 90, 2), u('d', 5, 1)], 6, 2, new Set());
    expect([...plan.kept].sort()).toEqual(['a', 'c']);
    expect(plan.folded).toBe(2);
  });

  it('fills leftover room with smaller users that still fit', () => {
    const plan = planFold([u('a', 50, 3), u('b', 40, 3), u('c', 1, 1)], 6, 1, new Set());
    expect([...plan.kept].sort()).toEqual(['a', 'c']);
  });

  it('is sticky: a kept user is not displaced by a newcomer who now spends more', () => {
    const first = planFold([u('a', 10), u('b', 5), u('c', 1), u('d', 0.5)], 3, 1, new Set());
    expect([...first.kept].sort()).toEqual(['a', 'b']);
    const second = planFold([u('a', 10), u('b', 5), u('c', 100), u('d', 0.5)], 3, 1, first.kept);
    expect([...second.kept].sort()).toEqual(['a', 'b']);
    // without history (a restart) the biggest spenders win
    expect([...planFold([u('a', 10), u('b', 5), u('c', 100), u('d', 0.5)], 3, 1, new Set()).kept].sort()).toEqual([
      'a',
      'c',
    ]);
  });

  it('evicts kept users only when the budget squeezes, biggest spenders re-admitted first', () => {
    const plan = planFold([u('a', 10, 2), u('b', 5, 2)], 3, 1, new Set(['a', 'b']));
    expect([...plan.kept]).toEqual(['a']);
    expect(plan.folded).toBe(1);
  });

  it('folds everyone when the budget cannot even hold "other"', () => {
    const plan = planFold([u('a', 10, 2), u('b', 5, 2)], 1, 2, new Set());
    expect(plan.kept.size).toBe(0);
    expect(plan.folded).toBe(2);
  });
});
