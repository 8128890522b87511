import fc from 'fast-check';
import { firstSorted } from './first-sorted';

describe('firstSorted', () => {
  it('gives the first k of the full sort, for any list and k', () => {
    const byValueThenId = (a: [number, number], b: [number, number]) => b[0] - a[0] || a[1] - b[1];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        fc.integer({ min: -1, max: 60 }),
        (values, k) => {
          const items = values.map((v, i): [number, number] => [v, i]);
          const expected = [...items].sort(byValueThenId).slice(0, Math.max(0, k));
          expect(firstSorted(items, k, byValueThenId)).toEqual(expected);
        },
      ),
    );
  });

  it('leaves its input as it was', () => {
    const items = [3, 1, 2, 5, 4];
    expect(firstSorted(items, 2, (a, b) => a - b)).toEqual([1, 2]);
    expect(items).toEqual([3, 1, 2, 5, 4]);
  });
});
