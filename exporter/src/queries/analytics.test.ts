import { openDb, type Db } from '../store/db';
import { analytics } from './analytics';
import { dayWindow } from './window';

// Team analytics views over seeded analytics_rows (as collection stores them: one JSON row per
// endpoint, day and key); expected totals and shares worked out by hand.
const w = dayWindow(Date.parse('2026-05-10T00:00:00Z'), Date.parse('2026-05-11T00:00:00Z'));
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);

function seeded(): Db {
  const db = openDb(':memory:');
  const row = db.prepare('INSERT INTO analytics_rows (endpoint, day, key, data) VALUES (?, ?, ?, ?)');
  const put = (endpoint: string, d: string, key: string, data: object) =>
    row.run(endpoint, d, key, JSON.stringify(data));
  put('dau', '2026-05-10', '', { dau: 10, cli_dau: 2 });
  put('dau', '2026-05-11', '', { dau: 12, cli_dau: 3, cloud_agent_dau: 1, bugbot_dau: 'x' });
  put('dau', '2026-05-12', '', { dau: 99 }); // after the window
  put('models', '2026-05-10', 'gpt-5', { messages: 30, users: 4 });
  put('models', '2026-05-11', 'gpt-5', { messages: 10, users: 6 });
  put('models', '2026-05-11', 'sonnet', { messages: 60, users: 5 });
  put('mcp', '2026-05-10', 'github/create_pr', { usage: 3 });
  put('mcp', '2026-05-11', 'github/create_pr', { usage: 4 });
  put('mcp', '2026-05-11', 'lonely', { usage: 9 });
  put('commands', '2026-05-10', 'review.md', { usage: 2 });
  put('commands', '2026-05-11', 'review', { usage: 5 });
  put('client-versions', '2026-05-10', '1.10.0', { user_count: 50, percentage: 1 });
  put('client-versions', '2026-05-11', '1.9.3', { user_count: 7, percentage: 0.7 });
  put('client-versions', '2026-05-11', '1.10.0', { user_count: 3, percentage: 0.3 });
  return db;
}

describe('analytics', () => {
  it('dau: one row per day of the window, missing or non-numeric fields as 0', () => {
    expect(analytics(seeded(), 'dau', w, 10).rows).toEqual([
      { time: day('2026-05-10'), dau: 10, cli_dau: 2, cloud_agent_dau: 0, bugbot_dau: 0 },
      { time: day('2026-05-11'), dau: 12, cli_dau: 3, cloud_agent_dau: 1, bugbot_dau: 0 },
    ]);
  });

  it('models: messages summed, the largest daily user count, share of all messages', () => {
    expect(analytics(seeded(), 'models', w, 10).rows).toEqual([
      { model: 'sonnet', messages: 60, users: 5, share: 0.6 },
      { model: 'gpt-5', messages: 40, users: 6, share: 0.4 },
    ]);
    expect(analytics(seeded(), 'models', w, 1).rows).toHaveLength(1);
  });

  it('model adoption: each day split between the top models', () => {
    const rows = analytics(seeded(), 'model-adoption', w, 10).rows;
    expect(rows).toEqual([
      { time: day('2026-05-10'), sonnet: 0, 'gpt-5': 1, other: 0 },
      { time: day('2026-05-11'), sonnet: 60 / 70, 'gpt-5': 10 / 70, other: 0 },
    ]);
  });

  it('mcp splits server/tool, commands merge a rules file with its command', () => {
    expect(analytics(seeded(), 'mcp', w, 10).rows).toEqual([
      { server: '', tool: 'lonely', calls: 9 },
      { server: 'github', tool: 'create_pr', calls: 7 },
    ]);
    expect(analytics(seeded(), 'commands', w, 10).rows).toEqual([{ command: 'review', usage: 7 }]);
  });

  it('client versions: the last day of the window, the highest version (numerically) is latest', () => {
    expect(analytics(seeded(), 'client-versions', w, 10).rows).toEqual([
      { version: '1.9.3', users: 7, share: 0.7, latest: false },
      { version: '1.10.0', users: 3, share: 0.3, latest: true },
    ]);
  });
});
