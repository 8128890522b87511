import { openDb } from '../store/db';
import { addUsageDaily } from '../store/usage-daily';
import { buildFacts, loadFacts, type Facts, type UsageInput } from './facts';

// Rows deliberately out of day and user order; two models on one user-day; a row outside the window.
const rows: UsageInput[] = [
  { day: '2026-03-03', email: 'b@x.io', model: 'gpt-5', spendMicro: 5e8, requests: 5, tokens: 50, usageBased: 1, onDemandMicro: 1e8 },
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
    for (let k = mu.start[u]; k < mu.start[u + 1]; k++) out.push(`${f.days[mu.d[k]]} ${f.models[mu.m[k]]} ${mu.spendMicro[k]} ${mu.requests[k]}`);
    return out;
  });
}

describe('facts', () => {
  const members = [{ email: 'a@x.io', name: 'A' }, { email: 'b@x.io', name: 'B' }];

  it('groups per-model rows by user in ascending day, whatever order they came in', () => {
    const f = buildFacts({ fromDay: '2026-03-01', toDay: '2026-03-03', usage: rows, members });
    expect(modelRows(f)).toEqual([
      ['2026-03-01 claude-4.5-sonnet 200000000 2', '2026-03-03 gpt-5 700000000 1', '2026-03-03 claude-4.5-sonnet 100000000 4'],
      ['2026-03-02 claude-4.5-sonnet 300000000 3', '2026-03-03 gpt-5 500000000 5'],
    ]);
    expect(Array.from(f.spend)).toEqual([2e8, 0, 8e8, 0, 3e8, 5e8]);
    expect(Array.from(f.requests)).toEqual([2, 0, 5, 0, 3, 5]);
  });

  it('loads from the store exactly what the same rows build', () => {
    const db = openDb(':memory:');
    try {
      for (const m of members) db.prepare("INSERT INTO members (email, user_id, name, role, is_removed, first_seen_ms, last_seen_ms) VALUES (?, NULL, ?, 'member', 0, 0, 0)").run(m.email, m.name);
      addUsageDaily(db, rows.map((r) => ({
        day: r.day, email: r.email, model: r.model, events: r.requests, requests: r.requests, charged_micro: r.spendMicro,
        chargeable_micro: r.onDemandMicro ?? 0, usage_based_events: r.usageBased ?? 0, input_tokens: r.tokens ?? 0,
      })));
      const loaded = loadFacts(db, { fromDay: '2026-03-01', toDay: '2026-03-03' });
      const built = buildFacts({ fromDay: '2026-03-01', toDay: '2026-03-03', usage: rows, members });
      expect(loaded.users.map((u) => u.email)).toEqual(built.users.map((u) => u.email));
      expect(modelRows(loaded).map((l) => [...l].sort())).toEqual(modelRows(built).map((l) => [...l].sort()));
      for (const k of ['spend', 'requests', 'tokens', 'usageBased', 'onDemand'] as const) expect(Array.from(loaded[k])).toEqual(Array.from(built[k]));
    } finally {
      db.close();
    }
  });
});
