import type { CollectStep } from '../context';

export const groupsStep: CollectStep = {
  name: 'groups',
  async run({ store, api, nowMs }) {
    const written = store.groups.save(await api.groups(), nowMs);
    return { billing_groups: written.groups, group_members: written.members };
  },
};
