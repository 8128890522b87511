import { saveGroups } from '../store/groups';
import type { CollectStep } from './context';

export const groupsStep: CollectStep = {
  name: 'groups',
  async run({ db, api, nowMs }) {
    const written = saveGroups(db, await api.groups(), nowMs);
    return { billing_groups: written.groups, group_members: written.members };
  },
};
