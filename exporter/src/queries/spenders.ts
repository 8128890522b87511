import type { Frame } from '../schemas/common';
import type { Memo } from '../store/cycle-usage';
import type { Db } from '../store/db';
import { col, frame, usd } from './frame';
import { windowPeople, windowTotals } from './members';
import { firstSorted } from '../domain/first-sorted';
import type { DayWindow } from './window';

/**
 * Top N members by spend in the window (optionally on one model), with their share of the selected
 * people's spend. The same people and figures as the members table (queries/members.ts), without its
 * activity, ranks and badges: spend alone needs neither.
 */
export function topSpenders(
  db: Db,
  window: DayWindow,
  emails: Set<string> | null,
  limit: number,
  model?: string,
  memo?: Memo,
): Frame {
  const usage = windowTotals(db, window, model, memo);
  const list = windowPeople(db, window, memo).flatMap(([email, name, , , group]) => {
    const u = usage.at.get(email as string);
    if (u === undefined || (emails !== null && !emails.has(email as string)) || !(usage.spendMicro[u] > 0)) return [];
    return [
      {
        email: email as string,
        name: name as string,
        groupName: group as string | null,
        spendMicro: usage.spendMicro[u],
        requests: usage.requests[u],
      },
    ];
  });
  const total = list.reduce((s, m) => s + m.spendMicro, 0);
  const top = firstSorted(list, limit, (a, b) => b.spendMicro - a.spendMicro || (a.email < b.email ? -1 : 1));
  return frame(
    [
      col.num('rank'),
      col.str('email'),
      col.str('name'),
      col.str('group'),
      col.usd('spend_usd'),
      col.num('requests'),
      col.usd('cost_per_request_usd'),
      col.num('share', 'percentunit'),
    ],
    top.map((m, i) => ({
      rank: i + 1,
      email: m.email,
      name: m.name,
      group: m.groupName,
      spend_usd: usd(m.spendMicro),
      requests: m.requests,
      cost_per_request_usd: m.requests > 0 ? usd(m.spendMicro) / m.requests : null,
      share: total > 0 ? m.spendMicro / total : null,
    })),
  );
}
