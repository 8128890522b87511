import { upsertMembers } from '../store/members';
import type { CollectStep } from './context';

export const membersStep: CollectStep = {
  name: 'members',
  async run({ db, api, nowMs }) {
    const members = await api.members();
    return { members: upsertMembers(db, members, nowMs).written };
  },
};
