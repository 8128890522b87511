import { consolidate, groupKey } from './hibob';

const plan = (pairs: [string, string][]) => Object.fromEntries(consolidate(new Map(pairs)));

describe('groupKey', () => {
  test.each([
    [{ department: 'Eng', group: 'Platform', team: 'Infra' }, 'Platform > Infra'],
    [{ department: 'Eng', group: 'Platform', team: 'Platform' }, 'Platform > Platform'],
    [{ department: 'Eng', group: 'Platform', team: '' }, 'Platform > Platform'],
    [{ department: 'Eng', group: '', team: 'Infra' }, 'Eng > Infra'],
    [{ department: 'Eng', group: '', team: '' }, 'Eng > General'],
  ])('%j → %s', (p, key) => expect(groupKey(p)).toBe(key));
});

describe('consolidate', () => {
  test('teams of at least 3 stay', () => {
    expect(
      plan([
        ['a', 'E > X'],
        ['b', 'E > X'],
        ['c', 'E > X'],
      ]),
    ).toEqual({ a: 'E > X', b: 'E > X', c: 'E > X' });
  });
  test("a small pool joins the parent's only big sibling", () => {
    expect(
      plan([
        ['a', 'E > X'],
        ['b', 'E > X'],
        ['c', 'E > X'],
        ['d', 'E > Y'],
      ]),
    ).toEqual({ a: 'E > X', b: 'E > X', c: 'E > X', d: 'E > X' });
  });
  test('a pool of 3+ small-team members becomes Parent > General', () => {
    expect(
      plan([
        ['a', 'E > X'],
        ['b', 'E > Y'],
        ['c', 'E > Z'],
      ]),
    ).toEqual({ a: 'E > General', b: 'E > General', c: 'E > General' });
  });
  test('with two big siblings the pool goes to Parent > General, then to the largest sibling if still small', () => {
    const six = [
      ['a', 'E > X'],
      ['b', 'E > X'],
      ['c', 'E > X'],
      ['d', 'E > Y'],
      ['e', 'E > Y'],
      ['f', 'E > Y'],
      ['g', 'E > Y'],
    ] as [string, string][];
    expect(plan([...six, ['z', 'E > Q']]).z).toBe('E > Y');
  });
  test('tiny departments end in General > General, which is kept even when it stays small (reference bug)', () => {
    // The reference deleted a General > General under 3 members and silently dropped these people.
    expect(
      plan([
        ['a', 'S > X'],
        ['b', 'M > Y'],
      ]),
    ).toEqual({ a: 'General > General', b: 'General > General' });
  });
  test('nobody is ever dropped', () => {
    const input: [string, string][] = Array.from({ length: 23 }, (_, i) => [`u${i}`, `D${i % 5} > T${i % 7}`]);
    const out = consolidate(new Map(input));
    expect([...out.keys()].sort()).toEqual(input.map(([e]) => e).sort());
    const sizes = new Map<string, number>();
    for (const g of out.values()) sizes.set(g, (sizes.get(g) ?? 0) + 1);
    for (const [g, n] of sizes) if (g !== 'General > General') expect({ g, ok: n >= 3 }).toEqual({ g, ok: true });
  });
});
