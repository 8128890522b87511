import type { UsageEvent } from '../domain/records';
import { openDb, type Db } from './db';
import { GroupsRepo } from './groups';
import { MembersRepo, type DirectoryRow } from './members';
import { SpendRepo } from './spend';
import { UsageEventsRepo } from './usage-events';
import { WatermarksRepo } from './watermarks';
import { EtagsRepo } from './etags';

const member = (email: string, name = email) => ({
  email,
  userId: `user_${email}`,
  name,
  role: 'member',
  isRemoved: false,
});
const ev = (ts: number, email: string, over: Partial<UsageEvent> = {}): UsageEvent => ({
  timestampMs: ts,
  email,
  model: 'gpt-5',
  kind: 'Usage-based',
  maxMode: false,
  requestsCosts: 1.5,
  isTokenBasedCall: true,
  inputTokens: 10,
  outputTokens: 5,
  cacheWriteTokens: 1,
  cacheReadTokens: 2,
  tokenMicro: 900,
  chargedMicro: 1000,
  cursorFeeMicro: 100,
  isChargeable: true,
  isHeadless: false,
  conversationId: null,
  ...over,
});

describe('store repositories', () => {
  let db: Db;
  beforeEach(() => (db = openDb(':memory:')));
  afterEach(() => db.close());

  it('members: keeps first_seen, refreshes the rest, marks vanished members removed', () => {
    new MembersRepo(db).upsert([member('a@x.io'), member('b@x.io')], 1000);
    const r = new MembersRepo(db).upsert([member('a@x.io', 'Renamed')], 2000);
    expect(r).toEqual({ written: 1, removed: 1 });
    expect(new MembersRepo(db).list()).toEqual([
      {
        email: 'a@x.io',
        userId: 'user_a@x.io',
        name: 'Renamed',
        role: 'member',
        isRemoved: false,
        firstSeenMs: 1000,
        lastSeenMs: 2000,
      },
      {
        email: 'b@x.io',
        userId: 'user_b@x.io',
        name: 'b@x.io',
        role: 'member',
        isRemoved: true,
        firstSeenMs: 1000,
        lastSeenMs: 1000,
      },
    ]);
    expect(new MembersRepo(db).upsert([], 3000).removed).toBe(0); // an empty answer is a glitch, not a mass exit
  });

  it('groups: never overwrites local groups or local memberships; one group per person', () => {
    db.prepare(
      "INSERT INTO billing_groups (id, name, source, updated_ms) VALUES ('g_local', 'Mine', 'local', 1)",
    ).run();
    db.prepare(
      "INSERT INTO billing_groups (id, name, source, updated_ms) VALUES ('g_other', 'Other', 'local', 1)",
    ).run();
    db.prepare("INSERT INTO group_members (email, group_id, source) VALUES ('c@x.io', 'g_other', 'local')").run();
    const gm = (email: string) => ({ userId: null, email, name: email, joinedAtMs: 5, leftAtMs: null, spendMicro: 0 });
    const group = (id: string, name: string, emails: string[]) => ({
      id,
      name,
      type: 'BILLING',
      directoryGroupId: null,
      memberCount: emails.length,
      spendMicro: 42,
      currentMembers: emails.map(gm),
      formerMembers: [],
      dailySpend: [],
    });
    new GroupsRepo(db).save(
      {
        groups: [group('g_local', 'Renamed upstream', []), group('g_eng', 'Eng > Web', ['a@x.io', 'c@x.io'])],
        cycle: { startMs: 10, endMs: 20 },
      },
      7,
    );
    new GroupsRepo(db).save({ groups: [group('g_ops', 'Ops', ['a@x.io'])], cycle: { startMs: 10, endMs: 20 } }, 8);
    expect(db.prepare("SELECT name, source FROM billing_groups WHERE id = 'g_local'").get()).toEqual({
      name: 'Mine',
      source: 'local',
    });
    expect(db.prepare('SELECT email, group_id AS g FROM group_members ORDER BY email').all()).toEqual([
      { email: 'a@x.io', g: 'g_ops' },
      { email: 'c@x.io', g: 'g_other' },
    ]);
    expect(db.prepare('SELECT * FROM billing_cycles').all()).toEqual([{ start_ms: 10, end_ms: 20 }]);
  });

  it('directory: kept while only seen times, joins and group spend change; read again on every change it shows', () => {
    const members = new MembersRepo(db);
    const groups = new GroupsRepo(db);
    const snap = (name: string, emails: string[], spendMicro = 0, joinedAtMs = 5) => ({
      groups: [
        {
          id: 'g_eng',
          name,
          type: 'BILLING',
          directoryGroupId: null,
          memberCount: emails.length,
          spendMicro,
          currentMembers: emails.map((email) => ({
            userId: null,
            email,
            name: email,
            joinedAtMs,
            leftAtMs: null,
            spendMicro: 0,
          })),
          formerMembers: [],
          dailySpend: [],
        },
      ],
      cycle: null,
    });
    members.upsert([member('a@x.io', 'Ann'), member('b@x.io', 'Bo')], 1000);
    groups.save(snap('Eng', ['a@x.io']), 1000);
    const first = members.directory();
    expect(first).toEqual([
      ['a@x.io', 'Ann', 'member', 'g_eng', 'Eng', 0],
      ['b@x.io', 'Bo', 'member', null, null, 0],
    ]);
    // The next collection: the same team, later times and new spend — nothing the directory shows.
    members.upsert([member('a@x.io', 'Ann'), member('b@x.io', 'Bo')], 2000);
    groups.save(snap('Eng', ['a@x.io'], 99, 6), 2000);
    expect(members.directory()).toBe(first);
    expect(members.names().get('a@x.io')).toBe('Ann');
    const changes: [string, () => void, DirectoryRow[]][] = [
      [
        'a rename',
        () => members.upsert([member('a@x.io', 'Anna'), member('b@x.io', 'Bo')], 3000),
        [
          ['a@x.io', 'Anna', 'member', 'g_eng', 'Eng', 0],
          ['b@x.io', 'Bo', 'member', null, null, 0],
        ],
      ],
      [
        'a membership',
        () => groups.save(snap('Eng', ['a@x.io', 'b@x.io']), 3000),
        [
          ['a@x.io', 'Anna', 'member', 'g_eng', 'Eng', 0],
          ['b@x.io', 'Bo', 'member', 'g_eng', 'Eng', 0],
        ],
      ],
      [
        'a group renamed',
        () => groups.save(snap('Platform', ['a@x.io', 'b@x.io']), 3000),
        [
          ['a@x.io', 'Anna', 'member', 'g_eng', 'Platform', 0],
          ['b@x.io', 'Bo', 'member', 'g_eng', 'Platform', 0],
        ],
      ],
      [
        'a removal',
        () => members.upsert([member('a@x.io', 'Anna')], 3000),
        [
          ['a@x.io', 'Anna', 'member', 'g_eng', 'Platform', 0],
          ['b@x.io', 'Bo', 'member', 'g_eng', 'Platform', 1],
        ],
      ],
      [
        'a membership dropped',
        () => db.prepare("DELETE FROM group_members WHERE email = 'b@x.io'").run(),
        [
          ['a@x.io', 'Anna', 'member', 'g_eng', 'Platform', 0],
          ['b@x.io', 'Bo', 'member', null, null, 1],
        ],
      ],
    ];
    expect(members.seated()).toEqual(new Set(['a@x.io', 'b@x.io']));
    for (const [what, change, want] of changes) {
      change();
      expect([what, members.directory()]).toEqual([what, want]);
      expect([what, members.seated()]).toEqual([what, new Set(want.filter((r) => r[5] === 0).map((r) => r[0]))]);
    }
    expect(members.names().get('a@x.io')).toBe('Anna');
  });

  it('spend: a new snapshot replaces the cycle as a whole', () => {
    const row = (email: string, total: number) => ({
      email,
      userId: null,
      name: email,
      role: 'member',
      totalMicro: total,
      onDemandMicro: 0,
      includedMicro: total,
      fastPremiumRequests: 0,
      monthlyLimitDollars: null,
      hardLimitOverrideDollars: 0,
      effectiveLimitDollars: null,
    });
    new SpendRepo(db).save(
      { cycleStartMs: 1, rows: [row('a@x.io', 5), row('b@x.io', 6)], limitedUsersCount: null },
      100,
    );
    new SpendRepo(db).save({ cycleStartMs: 1, rows: [row('a@x.io', 9)], limitedUsersCount: 3 }, 200);
    expect(db.prepare('SELECT email, total_micro AS t FROM spend_snapshots').all()).toEqual([
      { email: 'a@x.io', t: 9 },
    ]);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'limited_users_count'").pluck().get()).toBe('3');
  });

  it('usage events: duplicates are ignored and only new rows reach usage_daily', () => {
    const day = Date.parse('2026-03-02T10:00:00Z');
    const batch = [
      ev(day, 'a@x.io'),
      ev(day, 'a@x.io'),
      ev(day + 1, 'a@x.io', { kind: 'Included in Business', isChargeable: false, maxMode: true }),
      ev(day - 11 * 3_600_000, 'a@x.io', { kind: 'Errored, Not Charged', isHeadless: true }),
    ];
    expect(db.transaction(() => new UsageEventsRepo(db).insert(batch))()).toBe(4); // two identical events are two events
    expect(db.transaction(() => new UsageEventsRepo(db).insert(batch))()).toBe(0);
    const rows = db.prepare('SELECT * FROM usage_daily ORDER BY day').all();
    expect(rows).toEqual([
      expect.objectContaining({
        day: '2026-03-01',
        events: 1,
        errored_events: 1,
        headless_events: 1,
        charged_micro: 1000,
        chargeable_micro: 1000,
      }),
      expect.objectContaining({
        day: '2026-03-02',
        email: 'a@x.io',
        model: 'gpt-5',
        events: 3,
        requests: 4.5,
        charged_micro: 3000,
        chargeable_micro: 2000,
        token_micro: 2700,
        included_events: 1,
        usage_based_events: 2,
        errored_events: 0,
        max_mode_events: 1,
        input_tokens: 30,
        output_tokens: 15,
        cache_write_tokens: 3,
        cache_read_tokens: 6,
      }),
    ]);
  });

  it('watermarks never move back; the ETag cache round-trips', () => {
    new WatermarksRepo(db).advance('s', 100, 1);
    new WatermarksRepo(db).advance('s', 50, 2);
    expect(new WatermarksRepo(db).get('s')).toBe(100);
    const cache = new EtagsRepo(db, () => 5);
    cache.set('/a', 'W/"1"', '{"data":[]}');
    cache.set('/a', 'W/"2"', '{"data":[1]}');
    expect(cache.get('/a')).toEqual({ etag: 'W/"2"', body: '{"data":[1]}' });
    expect(cache.get('/b')).toBeUndefined();
  });
});
