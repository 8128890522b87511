import { saveSpendSnapshot } from '../store/spend';
import type { CollectStep } from './context';

export const spendStep: CollectStep = {
  name: 'spend',
  async run({ db, api, nowMs }) {
    const snapshot = await api.spend();
    return { spend_snapshots: saveSpendSnapshot(db, snapshot, nowMs) };
  },
};
