import type { Frame } from '../schemas/common';
import { col, frame, usd } from './frame';
import type { TeamStats } from './members';

/** Top N members by spend in the window, with their share of the selected people's spend. */
export function topSpenders(stats: TeamStats, emails: Set<string> | null, limit: number): Frame {
  const list = stats.members.filter((m) => (emails === null || emails.has(m.email)) && m.spendMicro > 0);
  const total = list.reduce((s, m) => s + m.spendMicro, 0);
  const top = [...list].sort((a, b) => b.spendMicro - a.spendMicro || (a.email < b.email ? -1 : 1)).slice(0, limit);
  return frame(
    [col.num('rank'), col.str('email'), col.str('name'), col.str('group'), col.usd('spend_usd'), col.num('requests'), col.usd('cost_per_request_usd'), col.num('share', 'percentunit')],
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
