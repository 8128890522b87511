import { CursorError } from './errors';
import {
  parseAnalytics,
  parseDailyUsagePage,
  parseGroups,
  parseMembers,
  parseSpendPage,
  parseUsageEventsPage,
} from './normalize';

function invalid(fn: () => unknown): CursorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CursorError);
    expect((err as CursorError).kind).toBe('invalid-response');
    return err as CursorError;
  }
  throw new Error('expected an invalid-response CursorError');
}

describe('parseSpendPage', () => {
  it('D26 shape: overall is the total, spendCents the on-demand part, exact micro-cents', () => {
    const p = parseSpendPage({
      teamMemberSpend: [
        {
          userId: 'user_d4E5f6',
          name: 'Eli',
          email: 'Eli@Acme.io',
          role: 'member',
          spendCents: 1210.553201,
          overallSpendCents: 5210.553201,
          fastPremiumRequests: 0,
          hardLimitOverrideDollars: 0,
          monthlyLimitDollars: 150,
          effectivePerUserLimitDollars: 150,
        },
      ],
      subscriptionCycleStart: 1771977600000,
      totalMembers: 1,
      totalPages: 1,
    });
    expect(p.cycleStartMs).toBe(1771977600000);
    expect(p.rows).toEqual([
      {
        email: 'eli@acme.io',
        userId: 'user_d4E5f6',
        name: 'Eli',
        role: 'member',
        totalMicro: 5_210_553_201,
        onDemandMicro: 1_210_553_201,
        includedMicro: 4_000_000_000,
        fastPremiumRequests: 0,
        monthlyLimitDollars: 150,
        hardLimitOverrideDollars: 0,
        effectiveLimitDollars: 150,
      },
    ]);
  });

  it('legacy shape: spendCents is the total, includedSpendCents the plan part; numeric ids and ms as string', () => {
    const p = parseSpendPage({
      teamMemberSpend: [{ userId: 12345, email: 'dana@acme.io', spendCents: 2450.125487, includedSpendCents: 2000.1 }],
      subscriptionCycleStart: '1771977600000',
      limitedUsersCount: 2,
      totalPages: 3,
    });
    expect(p.rows[0]).toMatchObject({
      userId: '12345',
      totalMicro: 2_450_125_487,
      includedMicro: 2_000_100_000,
      onDemandMicro: 450_025_487,
      monthlyLimitDollars: null,
      hardLimitOverrideDollars: 0,
      effectiveLimitDollars: null,
      name: '',
      role: '',
    });
    expect(p).toMatchObject({ cycleStartMs: 1771977600000, totalPages: 3, limitedUsersCount: 2 });
  });

  it('legacy without includedSpendCents: everything counts as on-demand', () => {
    const p = parseSpendPage({ teamMemberSpend: [{ email: 'a@b.c', spendCents: 10 }], subscriptionCycleStart: 0 });
    expect(p.rows[0]).toMatchObject({
      totalMicro: 10_000_000,
      includedMicro: 0,
      onDemandMicro: 10_000_000,
      userId: null,
    });
  });

  it('names the offending field of a schema mismatch', () => {
    const err = invalid(() =>
      parseSpendPage({
        teamMemberSpend: [{ email: 'a@b.c' }, { email: 'x@y.z', spendCents: '12' }],
        subscriptionCycleStart: 1,
      }),
    );
    expect(err.path).toBe('/teamMemberSpend/1/spendCents');
    expect(err.message).toBe(
      'POST /teams/spend: invalid response at /teamMemberSpend/1/spendCents: expected number or null, got string',
    );
    expect(invalid(() => parseSpendPage({ teamMemberSpend: [] })).message).toMatch(
      /\/subscriptionCycleStart: missing required field/,
    );
  });
});

describe('parseUsageEventsPage', () => {
  const page = {
    totalUsageEventsCount: 2,
    pagination: { numPages: 4, currentPage: 2, pageSize: 2, hasNextPage: true, hasPreviousPage: true },
    usageEvents: [
      {
        timestamp: '1772450000123',
        userEmail: 'Eli@acme.io',
        conversationId: 'c0ffee',
        model: 'claude-4.5-opus',
        kind: 'Usage-based',
        maxMode: false,
        requestsCosts: 2.5,
        isTokenBasedCall: true,
        isChargeable: true,
        isHeadless: false,
        tokenUsage: {
          inputTokens: 3100,
          outputTokens: 820,
          cacheWriteTokens: 4000,
          cacheReadTokens: 9100,
          totalCents: 31.4075,
        },
        chargedCents: 31.8475,
        cursorTokenFee: 0.44,
        someFutureField: { nested: true },
      },
      {
        timestamp: 1772450999000,
        userEmail: 'dana@acme.io',
        model: 'gpt-5',
        kind: 'Included in Business',
        requestsCosts: 1,
        isTokenBasedCall: false,
        isChargeable: false,
        chargedCents: 4,
      },
    ],
  };

  it('normalises string and numeric timestamps, tokens and money', () => {
    const r = parseUsageEventsPage(JSON.stringify(page));
    expect(r.total).toBe(2);
    expect(r.pagination).toEqual({ page: 2, totalPages: 4, hasNextPage: true, pageSize: 2 });
    expect(r.events[0]).toEqual({
      timestampMs: 1772450000123,
      email: 'eli@acme.io',
      model: 'claude-4.5-opus',
      kind: 'Usage-based',
      maxMode: false,
      requestsCosts: 2.5,
      isTokenBasedCall: true,
      inputTokens: 3100,
      outputTokens: 820,
      cacheWriteTokens: 4000,
      cacheReadTokens: 9100,
      tokenMicro: 31_407_500,
      chargedMicro: 31_847_500,
      cursorFeeMicro: 440_000,
      isChargeable: true,
      isHeadless: false,
      conversationId: 'c0ffee',
    });
    expect(r.events[1]).toMatchObject({
      timestampMs: 1772450999000,
      tokenMicro: 0,
      chargedMicro: 4_000_000,
      inputTokens: 0,
      conversationId: null,
    });
  });

  it('falls back to tokenUsage.totalCents when chargedCents is absent (older shape)', () => {
    const r = parseUsageEventsPage({
      usageEvents: [{ timestamp: '1', userEmail: 'a@b.c', kind: 'Usage-based', tokenUsage: { totalCents: 2.000001 } }],
    });
    expect(r.events[0]).toMatchObject({
      chargedMicro: 2_000_001,
      tokenMicro: 2_000_001,
      isChargeable: true,
      isTokenBasedCall: true,
    });
    expect(r.pagination).toEqual({ page: null, totalPages: null, hasNextPage: null, pageSize: null });
    expect(r.total).toBe(1);
  });

  it('rejects the whole page on one bad event, naming it, and on malformed JSON', () => {
    const bad = structuredClone(page);
    (bad.usageEvents[1] as Record<string, unknown>).timestamp = '2026-03-02T10:00:00Z';
    const err = invalid(() => parseUsageEventsPage(bad));
    expect(err.path).toBe('/usageEvents/1/timestamp');
    expect(err.endpoint).toBe('POST /teams/filtered-usage-events');
    expect(err.message).toMatch(/expected string matching .* or number, got string/);
    expect(invalid(() => parseUsageEventsPage('{"usageEvents": [')).message).toMatch(/malformed JSON/);
    expect(invalid(() => parseUsageEventsPage(Buffer.from('<html>502</html>'))).message).toMatch(/malformed JSON/);
    expect(invalid(() => parseUsageEventsPage({ events: [] })).path).toBe('/usageEvents');
  });
});

describe('parseMembers / parseDailyUsagePage / parseGroups', () => {
  it('members: string and numeric ids, lower-cased emails, defaults', () => {
    expect(
      parseMembers({
        teamMembers: [
          { id: 'user_a1', name: 'Dana', email: 'DANA@acme.io', role: 'owner', isRemoved: false },
          { id: 12345, email: 'eli@acme.io', isRemoved: true, extra: 1 },
          { email: 'old@acme.io', name: null },
        ],
      }),
    ).toEqual([
      { email: 'dana@acme.io', userId: 'user_a1', name: 'Dana', role: 'owner', isRemoved: false },
      { email: 'eli@acme.io', userId: '12345', name: '', role: '', isRemoved: true },
      { email: 'old@acme.io', userId: null, name: '', role: '', isRemoved: false },
    ]);
    expect(invalid(() => parseMembers({ members: [] })).path).toBe('/teamMembers');
  });

  it('daily usage: day from `day`, else from the epoch-ms `date`; nulls on inactive rows', () => {
    const p = parseDailyUsagePage({
      data: [
        {
          userId: 501,
          day: '2026-03-02',
          date: 1772409600000,
          email: 'Eli@acme.io',
          isActive: true,
          totalLinesAdded: 820,
          totalTabsAccepted: 71,
          usageBasedReqs: 9,
          mostUsedModel: 'claude-4.5-sonnet',
          clientVersion: '2.1.4',
        },
        { date: 1772496000000, email: 'dana@acme.io', isActive: false, mostUsedModel: null },
      ],
      pagination: { page: 1, pageSize: 500, totalUsers: 2, totalPages: 1, hasNextPage: false },
    });
    expect(p.rows[0]).toMatchObject({
      day: '2026-03-02',
      email: 'eli@acme.io',
      userId: '501',
      linesAdded: 820,
      tabsAccepted: 71,
      usageBasedReqs: 9,
      chatRequests: 0,
    });
    expect(p.rows[1]).toMatchObject({
      day: '2026-03-03',
      userId: null,
      isActive: false,
      mostUsedModel: null,
      clientVersion: null,
    });
    expect(p.pagination).toEqual({ page: 1, totalPages: 1, hasNextPage: false });
    expect(invalid(() => parseDailyUsagePage({ data: [{ email: 'a@b.c' }] })).path).toBe('/data/0/day');
  });

  it('groups: unassigned last, ISO dates to ms, money to micro-cents', () => {
    const g = parseGroups({
      groups: [
        {
          id: 'group_Plat01',
          name: 'Eng > Platform',
          type: 'BILLING',
          directoryGroupId: null,
          memberCount: 1,
          spendCents: 5210.55,
          currentMembers: [
            {
              userId: 'user_d4E5f6',
              name: 'Eli',
              email: 'Eli@acme.io',
              joinedAt: '2026-01-05T09:00:00.000Z',
              leftAt: null,
              spendCents: 5210.55,
            },
          ],
          formerMembers: [],
          dailySpend: [{ date: '2026-03-01', spendCents: 402.1 }],
        },
      ],
      unassignedGroup: { id: 'group_unassigned', name: 'Unassigned', spendCents: 0 },
      billingCycle: { cycleStart: '2026-02-25T00:00:00.000Z', cycleEnd: '2026-03-25T00:00:00.000Z' },
    });
    expect(g.cycle).toEqual({
      startMs: Date.parse('2026-02-25T00:00:00.000Z'),
      endMs: Date.parse('2026-03-25T00:00:00.000Z'),
    });
    expect(g.groups.map((x) => x.id)).toEqual(['group_Plat01', 'group_unassigned']);
    expect(g.groups[0]).toMatchObject({
      name: 'Eng > Platform',
      spendMicro: 5_210_550_000,
      dailySpend: [{ day: '2026-03-01', spendMicro: 402_100_000 }],
    });
    expect(g.groups[0].currentMembers[0]).toEqual({
      userId: 'user_d4E5f6',
      email: 'eli@acme.io',
      name: 'Eli',
      joinedAtMs: Date.parse('2026-01-05T09:00:00.000Z'),
      leftAtMs: null,
      spendMicro: 5_210_550_000,
    });
    expect(g.groups[1]).toMatchObject({ memberCount: 0, currentMembers: [], type: 'BILLING' });
    const err = invalid(() =>
      parseGroups({ groups: [{ id: 'g', currentMembers: [{ email: 'a@b.c', joinedAt: 'last tuesday' }] }] }),
    );
    expect(err.path).toBe('/groups/0/currentMembers/0/joinedAt');
  });
});

describe('parseAnalytics', () => {
  it('dau/agent-edits/tabs: one row per day with key "" and every numeric field', () => {
    expect(
      parseAnalytics('dau', {
        data: [{ date: '2026-03-02', dau: 40, cli_dau: 3, cloud_agent_dau: 1, bugbot_dau: 0 }],
        params: { metric: 'dau', teamId: 4242 },
      }),
    ).toEqual([
      {
        endpoint: 'dau',
        day: '2026-03-02',
        key: '',
        values: { dau: 40, cli_dau: 3, cloud_agent_dau: 1, bugbot_dau: 0 },
      },
    ]);
    expect(
      parseAnalytics('tabs', {
        data: [{ event_date: '2026-03-02T00:00:00Z', total_accepts: 5, total_suggestions: 9 }],
      })[0],
    ).toEqual({ endpoint: 'tabs', day: '2026-03-02', key: '', values: { total_accepts: 5, total_suggestions: 9 } });
  });

  it('models: one row per model with messages and users', () => {
    const rows = parseAnalytics('models', {
      data: [
        {
          date: '2026-03-02',
          model_breakdown: { 'claude-4.5-sonnet': { messages: 40, users: 2 }, 'gpt-5': { messages: 3, users: 1 } },
        },
      ],
    });
    expect(rows).toEqual([
      { endpoint: 'models', day: '2026-03-02', key: 'claude-4.5-sonnet', values: { messages: 40, users: 2 } },
      { endpoint: 'models', day: '2026-03-02', key: 'gpt-5', values: { messages: 3, users: 1 } },
    ]);
  });

  it('keys: server/tool, extension, version, command, plan model', () => {
    const key = (e: Parameters<typeof parseAnalytics>[0], row: object) =>
      parseAnalytics(e, { data: [{ event_date: '2026-03-02', ...row }] })[0];
    expect(key('mcp', { mcp_server_name: 'github', tool_name: 'create_pr', usage: 4 })).toMatchObject({
      key: 'github/create_pr',
      values: { usage: 4 },
    });
    expect(key('top-file-extensions', { file_extension: 'ts', total_files: 3, total_lines_accepted: 9 })).toMatchObject(
      { key: 'ts', values: { total_files: 3, total_lines_accepted: 9 } },
    );
    expect(key('client-versions', { client_version: '2.1.4', user_count: 7, percentage: 0.7 })).toMatchObject({
      key: '2.1.4',
      values: { user_count: 7, percentage: 0.7 },
    });
    expect(key('commands', { command_name: 'review', usage: 2 })).toMatchObject({
      key: 'review',
      values: { usage: 2 },
    });
    expect(key('plans', { model: 'default', usage: 11 })).toMatchObject({ key: 'default', values: { usage: 11 } });
  });

  it('rejects rows without a day and wrong types, naming the endpoint and path', () => {
    expect(invalid(() => parseAnalytics('mcp', { data: [{ usage: 1 }] })).message).toBe(
      'GET /analytics/team/mcp: invalid response at /data/0/event_date: row has neither event_date nor date',
    );
    expect(
      invalid(() => parseAnalytics('commands', { data: [{ event_date: '2026-03-02', usage: 'many' }] })).path,
    ).toBe('/data/0/usage');
  });
});
