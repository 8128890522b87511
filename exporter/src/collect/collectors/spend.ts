import type { CollectStep } from '../context';

export const spendStep: CollectStep = {
  name: 'spend',
  async run({ store, api, nowMs }) {
    const snapshot = await api.spend();
    return { spend_snapshots: store.spend.save(snapshot, nowMs) };
  },
};
