/**
 * The held-out family alone, for chosen seeds: `npx tsx bench/_heldout-run.ts 301-310` (or a list,
 * `301 305`; `--calendar2`, `--calendar3`, `--blind` or `--blind2` draws them with that block's calendar). Prints the summary and every
 * false alarm and miss; writes nothing.
 */
import { DEFAULT_SETTINGS } from '../exporter/src/detect/settings';
import { heldoutFamily } from './_heldout-quality';
import { calendarFromArgs } from './_heldout-team';

export function parseSeeds(args: string[]): number[] {
  return args.flatMap((a) => {
    const m = /^(\d+)-(\d+)$/.exec(a);
    if (!m) return [Number(a)];
    return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, k) => Number(m[1]) + k);
  });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seeds = parseSeeds(args.filter((a) => !a.startsWith('--')));
  const calendar = calendarFromArgs(args);
  const r = heldoutFamily(DEFAULT_SETTINGS, seeds.length > 0 ? seeds : undefined, calendar) as {
    false_alarms: unknown[];
    misses: unknown[];
  };
  for (const f of r.false_alarms) console.log('false alarm', JSON.stringify(f));
  for (const m of r.misses) console.log('miss', JSON.stringify(m));
}
