/** GET /teams/members (cursor-api.md §2.1). */
import type { RawMember } from '../shapes';
import type { SimRoute } from './route';

export const membersRoute: SimRoute = {
  method: 'GET',
  url: '/teams/members',
  kind: 'admin',
  build: (_req, sim) => ({
    body: {
      teamMembers: sim.members.map((m): RawMember => ({
        id: m.id,
        name: m.name,
        email: m.email,
        role: m.role,
        isRemoved: m.isRemoved,
      })),
    },
    listKey: 'teamMembers',
  }),
};
