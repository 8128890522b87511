import { buildFacts, type Facts, type UsageInput } from './facts';

// Rows deliberately out of day and user order; two models on one user-day; a row outside the window.
const rows: UsageInput[] = [
  {
    day: '2026-03-03',
    email: 'b@x.io',
    model: 'gpt-5',
    spendMicro: 5e8,
    requests: 5,
    tokens: 50,
    usageBased: 1,
    onDemandMicro: 1e8,
  },
  { day: '2026-03-01', email: 'a@x.io', model: 'claude-4.5-sonnet', spendMicro: 2e8, requests: 2, tokens: 20 },
  { day: '2026-03-02', email: 'b@x.io', model: 'claude-4.5-sonnet', spendMicro: 3e8, requests: 3, tokens: 30 },
  { day: '2026-03-03', email: 'a@x.io', model: 'gpt-5', spendMicro: 7e8, requests: 1, tokens: 70 },
  { day: '2026-03-03', email: 'a@x.io', model: 'claude-4.5-sonnet', spendMicro: 1e8, requests: 4, tokens: 10 },
  { day: '2026-02-20', email: 'a@x.io', model: 'gpt-5', spendMicro: 9e8, requests: 9, tokens: 90 },
];

/** modelUse as readable rows per user, in stored order. */
function modelRows(f: Facts): string[][] {
  const mu = f.modelUse;
  return f.users.map((_, u) => {
    const out: string[] = [];
    for (let k = mu.start[u]; k < mu.start[u + 1]; k++)
      out.push(`${f.days[mu.d[k]]} ${f.models[mu.m[k]]} ${mu.spendMicro[k]} ${mu.requests[k]}`);
    return out;
  });
}

describe('facts', () => {
  const members = [
    { email: 'a@x.io', name: 'A' },
    { email: 'b@x.io', name: 'B' },
  ];

  it('groups per-model rows by user in ascending day, whatever order they came in', () => {
    const f = buildFacts({ fromDay: '2026-03-01', toDay: '2026-03-03', usage: rows, members });
    expect(modelRows(f)).toEqual([
      [
        '2026-03-01 claude-4.5-sonnet 200000000 2',
        '2026-03-03 gpt-5 700000000 1',
        '2026-03-03 claude-4.5-sonnet 100000000 4',
      ],
      ['2026-03-02 claude-4.5-sonnet 300000000 3', '2026-03-03 gpt-5 500000000 5'],
    ]);
    expect(Array.from(f.spend)).toEqual([2e8, 0, 8e8, 0, 3e8, 5e8]);
    expect(Array.from(f.requests)).toEqual([2, 0, 5, 0, 3, 5]);
  });

  it('sums every measure per person and day, for people who turn up only in usage rows, in any number', () => {
    // 150 people none of whom is a member: the per-day sums grow past their first allocation twice.
    const usage: UsageInput[] = [];
    for (let i = 0; i < 150; i++)
      for (const model of ['gpt-5', 'claude-4.5-sonnet'])
        usage.push({
          day: '2026-03-02',
          email: `p${i}@x.io`,
          model,
          spendMicro: i * 10,
          requests: 1,
          tokens: i,
          usageBased: 2,
          onDemandMicro: 3,
        });
    const f = buildFacts({ fromDay: '2026-03-01', toDay: '2026-03-03', usage, members });
    expect(f.users).toHaveLength(152);
    expect(f.spend).toHaveLength(152 * 3);
    const at = (a: Float64Array, email: string) =>
      Array.from(a.subarray(f.users.findIndex((x) => x.email === email) * 3).slice(0, 3));
    expect(at(f.spend, 'p149@x.io')).toEqual([0, 2980, 0]);
    expect(at(f.requests, 'p149@x.io')).toEqual([0, 2, 0]);
    expect(at(f.tokens, 'p7@x.io')).toEqual([0, 14, 0]);
    expect(at(f.usageBased, 'p0@x.io')).toEqual([0, 4, 0]);
    expect(at(f.onDemand, 'p100@x.io')).toEqual([0, 6, 0]);
    expect(at(f.spend, 'a@x.io')).toEqual([0, 0, 0]);
  });
});
