import { NotFound } from '../domain/errors';
import { openDb, type Db } from '../store/db';
import { addUsageDaily } from '../store/usage-daily';
import { teamStats } from './members';
import { knownEmail, userFeatures, userModels, userSummary, userTimeline } from './user';
import { dayWindow } from './window';

// The user drilldown's queries over one seeded member: every figure is worked out by hand below.
const NOW = Date.parse('2026-05-20T12:00:00Z');
const w = dayWindow(Date.parse('2026-05-10T00:00:00Z'), Date.parse('2026-05-12T00:00:00Z'));

function seeded(): Db {
  const db = openDb(':memory:');
  const member = db.prepare(
    `INSERT INTO members (email, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, ?, 'member', 0, 0, 0)`,
  );
  member.run('ann@x.io', 'Ann');
  member.run('bob@x.io', 'Bob');
  addUsageDaily(db, [
    {
      day: '2026-05-10',
      email: 'ann@x.io',
      model: 'gpt-5',
      events: 2,
      requests: 2,
      charged_micro: 200_000_000,
      input_tokens: 10,
      output_tokens: 5,
      included_events: 2,
    },
    {
      day: '2026-05-10',
      email: 'ann@x.io',
      model: 'opus',
      events: 1,
      requests: 4,
      charged_micro: 600_000_000,
      cache_read_tokens: 100,
      usage_based_events: 1,
    },
    {
      day: '2026-05-12',
      email: 'ann@x.io',
      model: 'gpt-5',
      events: 3,
      requests: 3,
      charged_micro: 100_000_000,
      errored_events: 1,
    },
    { day: '2026-05-13', email: 'ann@x.io', model: 'gpt-5', events: 9, requests: 9, charged_micro: 900_000_000 }, // after the window
    { day: '2026-05-10', email: 'bob@x.io', model: 'gpt-5', events: 1, requests: 1, charged_micro: 50_000_000 },
  ]);
  const du =
    db.prepare(`INSERT INTO daily_usage (day, email, is_active, agent_requests, lines_added, accepts, applies, chat_requests, most_used_model, client_version)
    VALUES (?, 'ann@x.io', ?, ?, ?, ?, ?, ?, ?, ?)`);
  du.run('2026-05-10', 1, 7, 40, 3, 4, 1, 'opus', '1.2.0');
  du.run('2026-05-11', 1, 5, 10, 1, 4, 0, 'gpt-5', '1.2.0'); // activity without usage events
  du.run('2026-05-12', 0, 0, 0, 0, 0, 2, null, '1.3.0');
  return db;
}

describe('user queries', () => {
  it('knownEmail lower-cases a member and refuses a stranger', () => {
    const db = seeded();
    expect(knownEmail(db, 'ANN@x.io')).toBe('ann@x.io');
    expect(() => knownEmail(db, 'zed@x.io')).toThrow(NotFound);
  });

  it('the timeline has every day with usage or activity, zeros where one side is missing', () => {
    const f = userTimeline(seeded(), 'ann@x.io', w);
    expect(
      f.rows.map((r) => [
        r.time,
        r.spend_usd,
        r.requests,
        r.input_tokens,
        r.cache_read_tokens,
        r.agent_requests,
        r.lines_added,
        r.model,
        r.client_version,
      ]),
    ).toEqual([
      [Date.parse('2026-05-10T00:00:00Z'), 8, 6, 10, 100, 7, 40, 'opus', '1.2.0'],
      [Date.parse('2026-05-11T00:00:00Z'), 0, 0, 0, 0, 5, 10, 'gpt-5', '1.2.0'],
      [Date.parse('2026-05-12T00:00:00Z'), 1, 3, 0, 0, 0, 0, null, '1.3.0'],
    ]);
  });

  it('models: spend first, with $/request and the event kinds', () => {
    const f = userModels(seeded(), 'ann@x.io', w);
    expect(f.rows).toEqual([
      {
        model: 'opus',
        requests: 4,
        spend_usd: 6,
        cost_per_request_usd: 1.5,
        events: 1,
        included_events: 0,
        usage_based_events: 1,
        errored_events: 0,
        max_mode_events: 0,
        tokens: 100,
      },
      {
        model: 'gpt-5',
        requests: 5,
        spend_usd: 3,
        cost_per_request_usd: 0.6,
        events: 5,
        included_events: 2,
        usage_based_events: 0,
        errored_events: 1,
        max_mode_events: 0,
        tokens: 15,
      },
    ]);
  });

  it('features sum daily usage counters over the window', () => {
    const counts = Object.fromEntries(userFeatures(seeded(), 'ann@x.io', w).rows.map((r) => [r.feature, r.count]));
    expect(counts).toMatchObject({ agent: 12, chat: 3, accepts: 4, applies: 8, composer: 0 });
  });

  it('the summary carries rank context and the accept rate', () => {
    const db = seeded();
    const [row] = userSummary(teamStats(db, w, NOW), 'ann@x.io').rows;
    expect(row).toMatchObject({
      email: 'ann@x.io',
      spend_rank: 1,
      spend_usd: 9,
      total_ranked: 2,
      accept_rate: 4 / 8,
      active_days: 2,
      model: 'opus',
    });
    expect(() => userSummary(teamStats(db, w, NOW), 'zed@x.io')).toThrow(NotFound);
  });
});
