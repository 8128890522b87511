/**
 * Seeds a store file with bench/api's team (10,000 users × 90 days) ending on the day of argv[3]
 * (epoch ms), in its own process so the seeding's memory is not counted in bench/load's RSS; its
 * days packed, as a running exporter keeps them. argv[2] is the database path.
 */
import { seed } from './api';
import { packDays } from '../exporter/src/detection-cycle';
import { Store } from '../exporter/src/store';

async function main(): Promise<void> {
  const store = Store.open(process.argv[2]);
  seed(store.db, Number(process.argv[3]));
  await packDays(store);
  store.db.close();
}

void main();
