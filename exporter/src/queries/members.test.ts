import { openDb, type Db } from '../store/db';
import { MembersRepo } from '../store/members';
import { UsageEventsRepo } from '../store/usage-events';
import type { UsageEvent } from '../domain/records';
import { SpendRepo } from '../store/spend';
import { membersTable, teamStats, type TeamStats } from './members';
import { dayWindow } from './window';

/** Everyone's figures, by spend rank. */
const ranked = (s: TeamStats) => Array.from(s.order, (i) => s.member(i));

const member = (email: string) => ({ email, userId: `user_${email}`, name: email, role: 'member', isRemoved: false });
const ev = (ts: number, email: string, chargedMicro: number): UsageEvent => ({
  timestampMs: ts,
  email,
  model: 'gpt-5',
  kind: 'Usage-based',
  maxMode: false,
  requestsCosts: 1,
  isTokenBasedCall: true,
  inputTokens: 10,
  outputTokens: 5,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  tokenMicro: chargedMicro,
  chargedMicro,
  cursorFeeMicro: 0,
  isChargeable: true,
  isHeadless: false,
  conversationId: null,
});

describe('teamStats', () => {
  let db: Db;
  beforeEach(() => (db = openDb(':memory:')));
  afterEach(() => db.close());

  it('keeps a removed member in the window where they spent, and only there', () => {
    const day1 = Date.parse('2026-03-02T10:00:00Z');
    const day20 = Date.parse('2026-03-20T10:00:00Z');
    new MembersRepo(db).upsert([member('stays@x.io'), member('left@x.io'), member('idle@x.io')], day1);
    new UsageEventsRepo(db).insert([ev(day1, 'stays@x.io', 5_000_000), ev(day1, 'left@x.io', 80_000_000)]);
    new MembersRepo(db).upsert([member('stays@x.io')], day20); // left@ and idle@ are marked removed

    const march = teamStats(
      db,
      dayWindow(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')),
      day20,
    );
    expect(ranked(march).map((m) => [m.email, m.spendRank])).toEqual([
      ['left@x.io', 1],
      ['stays@x.io', 2],
    ]);

    const late = teamStats(
      db,
      dayWindow(Date.parse('2026-03-10T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')),
      day20,
    );
    expect(ranked(late).map((m) => m.email)).toEqual(['stays@x.io']);
  });

  it('names the model with the most agent requests on active days, ties to the first by name', () => {
    const day = Date.parse('2026-03-02T10:00:00Z');
    new MembersRepo(db).upsert(['one@x.io', 'two@x.io', 'tie@x.io', 'none@x.io'].map(member), day);
    const du = db.prepare(
      'INSERT INTO daily_usage (day, email, is_active, agent_requests, most_used_model) VALUES (?, ?, ?, ?, ?)',
    );
    du.run('2026-03-02', 'one@x.io', 1, 4, 'gpt-5');
    du.run('2026-03-03', 'one@x.io', 1, 1, null);
    du.run('2026-03-02', 'two@x.io', 1, 3, 'gpt-5');
    du.run('2026-03-03', 'two@x.io', 1, 2, 'opus');
    du.run('2026-03-04', 'two@x.io', 1, 2, 'opus');
    du.run('2026-03-05', 'two@x.io', 0, 9, 'gpt-5'); // inactive day: not counted
    du.run('2026-03-02', 'tie@x.io', 1, 2, 'opus');
    du.run('2026-03-03', 'tie@x.io', 1, 2, 'gpt-5');
    du.run('2026-03-02', 'none@x.io', 1, 2, null);
    const stats = teamStats(db, dayWindow(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')), day);
    const model = Object.fromEntries(ranked(stats).map((m) => [m.email, m.mostUsedModel]));
    expect(model).toEqual({ 'one@x.io': 'gpt-5', 'two@x.io': 'opus', 'tie@x.io': 'gpt-5', 'none@x.io': null });
  });

  it('ranks like SQL RANK() (ties share a rank, the next skips) and orders ties by email as JavaScript compares them', () => {
    const day = Date.parse('2026-03-02T10:00:00Z');
    // U+10000 sorts after U+FF41 bytewise in UTF-8 (SQLite) but before it by UTF-16 unit (JavaScript).
    const emails = ['b@x.io', 'a@x.io', 'c@x.io', 'd@x.io', '\u{10000}@x.io', '\uff41@x.io'];
    new MembersRepo(db).upsert(emails.map(member), day);
    const spend: Record<string, number> = {
      'b@x.io': 5e6,
      'a@x.io': 5e6,
      'c@x.io': 9e6,
      '\u{10000}@x.io': 1e6,
      '\uff41@x.io': 1e6,
    };
    new UsageEventsRepo(db).insert(Object.entries(spend).map(([e, micro]) => ev(day, e, micro)));
    const du = db.prepare('INSERT INTO daily_usage (day, email, is_active, agent_requests) VALUES (?, ?, 1, ?)');
    du.run('2026-03-02', 'a@x.io', 7);
    du.run('2026-03-02', 'd@x.io', 7);
    du.run('2026-03-02', 'c@x.io', 3);
    const stats = teamStats(db, dayWindow(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')), day);
    expect(ranked(stats).map((m) => [m.email, m.spendRank, m.activityRank])).toEqual([
      ['c@x.io', 1, 3],
      ['a@x.io', 2, 1],
      ['b@x.io', 2, 4],
      ['\u{10000}@x.io', 4, 4],
      ['\uff41@x.io', 4, 4],
      ['d@x.io', 6, 1],
    ]);
  });

  it('shows the spend snapshot where a person has a row in it, nothing (not zero) where they have none, and the share of the plan used', () => {
    const day = Date.parse('2026-03-02T10:00:00Z');
    new MembersRepo(db).upsert(['capped@x.io', 'open@x.io', 'absent@x.io'].map(member), day);
    db.prepare('INSERT INTO billing_cycles (start_ms, end_ms) VALUES (?, ?)').run(
      Date.parse('2026-03-01T00:00:00Z'),
      Date.parse('2026-04-01T00:00:00Z'),
    );
    const row = (email: string, totalMicro: number, onDemandMicro: number, limit: number | null) => ({
      email,
      userId: null,
      name: email,
      role: 'member',
      totalMicro,
      onDemandMicro,
      includedMicro: totalMicro - onDemandMicro,
      fastPremiumRequests: 0,
      monthlyLimitDollars: limit,
      hardLimitOverrideDollars: 0,
      effectiveLimitDollars: limit,
    });
    new SpendRepo(db).save(
      {
        cycleStartMs: Date.parse('2026-03-01T00:00:00Z'),
        rows: [row('capped@x.io', 30e8, 10e8, 50), row('open@x.io', 5e8, 0, null)],
        limitedUsersCount: null,
      },
      day,
    );
    const stats = teamStats(db, dayWindow(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')), day);
    const snap = Object.fromEntries(
      ranked(stats).map((m) => [m.email, [m.cycleSpendMicro, m.onDemandMicro, m.includedMicro, m.limitDollars]]),
    );
    expect(snap).toEqual({
      'capped@x.io': [30e8, 10e8, 20e8, 50],
      'open@x.io': [5e8, 0, 5e8, null],
      'absent@x.io': [null, null, null, null],
    });
    const table = membersTable(stats, { sort: 'plan_usage', limit: 10, offset: 0, emails: null });
    // Who ran out of plan (on-demand spend) used all of it; the others their included spend over the
    // allowance those who ran out had ($20): $5 is a quarter. No snapshot, no figure (sorted as 0).
    expect(stats.planAllowanceMicro).toBe(20e8);
    expect(table.rows.map((r) => [r.email, r.plan_usage, r.cycle_spend_usd, r.limit_usd])).toEqual([
      ['capped@x.io', 1, 30, 50],
      ['open@x.io', 0.25, 5, null],
      ['absent@x.io', null, null, null],
    ]);
    // Nobody ran out: the allowance is unknown, and so is the share.
    new SpendRepo(db).save(
      {
        cycleStartMs: Date.parse('2026-03-01T00:00:00Z'),
        rows: [row('open@x.io', 5e8, 0, null)],
        limitedUsersCount: null,
      },
      day + 1,
    );
    const later = teamStats(db, dayWindow(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')), day);
    expect([later.planAllowanceMicro, ranked(later).find((m) => m.email === 'open@x.io')?.planUsage]).toEqual([
      null,
      null,
    ]);
  });
});
