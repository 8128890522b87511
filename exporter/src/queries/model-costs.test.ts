import { openDb, type Db } from '../store/db';
import { MembersRepo } from '../store/members';
import { addUsageDaily } from '../store/usage-daily';
import { userModelCosts } from './model-costs';
import { dayWindow } from './window';

describe('userModelCosts', () => {
  let db: Db;
  beforeEach(() => (db = openDb(':memory:')));
  afterEach(() => db.close());

  it('names the people a page shows, by email when they are not a member', () => {
    new MembersRepo(db).upsert(
      [{ email: 'a@x.io', userId: 'u_a', name: 'Alice', role: 'member', isRemoved: false }],
      0,
    );
    addUsageDaily(db, [
      { day: '2026-03-02', email: 'a@x.io', model: 'gpt-5', charged_micro: 9e8, requests: 3 },
      { day: '2026-03-02', email: 'ghost@x.io', model: 'opus', charged_micro: 8e8, requests: 1 },
    ]);
    const f = userModelCosts(
      db,
      dayWindow(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-03T00:00:00Z')),
      {},
      10,
    );
    expect(f.rows.map((r) => [r.email, r.name, r.model])).toEqual([
      ['ghost@x.io', 'ghost@x.io', 'opus'],
      ['a@x.io', 'Alice', 'gpt-5'],
    ]);
  });
});
