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
});
