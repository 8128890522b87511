import type { CollectStep } from '../context';

export const membersStep: CollectStep = {
  name: 'members',
  async run({ store, api, nowMs }) {
    const members = await api.members();
    return { members: store.members.upsert(members, nowMs).written };
  },
};
