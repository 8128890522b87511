import { bearerMatches } from './auth';

describe('bearerMatches', () => {
  test.each([
    ['Bearer s3cret', true],
    ['bearer s3cret', true],
    ['Bearer s3cret ', true],
    ['Bearer s3cre', false],
    ['Bearer s3cret2', false],
    ['Basic s3cret', false],
    ['s3cret', false],
    ['Bearer ', false],
    [undefined, false],
  ])('%s → %s', (header, ok) => expect(bearerMatches(header, ['s3cret'])).toBe(ok));
  test('any of several tokens; none configured never matches', () => {
    expect(bearerMatches('Bearer b', ['a', 'b'])).toBe(true);
    expect(bearerMatches('Bearer ', [])).toBe(false);
    expect(bearerMatches(undefined, [''])).toBe(false);
  });
});
