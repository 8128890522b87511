import { makeContext } from '../context';
import { DEFAULT_SETTINGS } from '../settings';
import { at, team } from '../test-fixtures';
import { usersLimited } from './users-limited';

const run = (limitedUsers: { count: number; asOfMs: number } | null) =>
  usersLimited(
    makeContext(team({ days: 6, users: [{ email: 'a@x.io', spend: [1] }], limitedUsers }), DEFAULT_SETTINGS, at(5)),
  ).findings;

describe('users_limited', () => {
  it.each([
    ['no count from the API', null, 0],
    ['zero', { count: 0, asOfMs: at(5, 1) }, 0],
    ['one, today', { count: 1, asOfMs: at(5, 1) }, 1],
    ['three, yesterday', { count: 3, asOfMs: at(4, 1) }, 1],
    ['a stale snapshot', { count: 3, asOfMs: at(2, 1) }, 0],
  ])('%s', (_l, snap, n) => {
    const f = run(snap);
    expect(f).toHaveLength(n);
    if (n)
      expect(f[0]).toMatchObject({
        subject: 'team',
        severity: 'warning',
        key: 'users_limited:team',
        value: snap?.count,
        onsetMs: snap?.asOfMs,
        notify: true,
      });
  });
});
