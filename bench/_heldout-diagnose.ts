/**
 * Why the held-out family misses what it misses: `npx tsx bench/_heldout-diagnose.ts 301-310`
 * (`--calendar2`, `--calendar3`, `--blind`, `--blind2`: that block's calendar)
 * prints, for each missed anomaly and each false alarm, the person's truth entries and daily spend
 * (a week a line, Monday first, '·' = no activity), so a cause can be read off the series.
 */
import { DEFAULT_SETTINGS } from '../exporter/src/detect/settings';
import { dayStartMs, daysBetween } from '../exporter/src/domain/time';
import { heldoutFamily } from './_heldout-quality';
import { parseSeeds } from './_heldout-run';
import { calendarFromArgs, heldoutTeam } from './_heldout-team';

const args = process.argv.slice(2);
const calendar = calendarFromArgs(args);

function series(seed: number, email: string): string {
  const team = heldoutTeam(seed, calendar);
  const days = daysBetween(team.startDay, team.endDay);
  const spend = new Map<string, number>();
  for (const r of team.rows)
    if (r.email === email) spend.set(r.day, (spend.get(r.day) ?? 0) + (r.charged_micro ?? 0) / 1e8);
  const lead = (new Date(dayStartMs(days[0])).getUTCDay() + 6) % 7; // days before the first Monday
  const cells = [
    ...Array<string>(lead).fill(''),
    ...days.map((d) => (spend.has(d) ? (spend.get(d) as number).toFixed(1) : '·')),
  ];
  const lines: string[] = [];
  for (let w = 0; w < cells.length; w += 7)
    lines.push(
      `    ${days[Math.max(0, w - lead)]}  ${cells
        .slice(w, w + 7)
        .map((c) => c.padStart(6))
        .join('')}`,
    );
  const truth = team.truth
    .filter((t) => t.email === email)
    .map((t) => `${t.kind}/${t.tier} ${t.startDay}…${t.endDay} ×${t.magnitude}`);
  return `  truth: ${truth.join('; ') || 'none'}\n${lines.join('\n')}`;
}

const seeds = parseSeeds(args.filter((a) => !a.startsWith('--')));
const r = heldoutFamily(DEFAULT_SETTINGS, seeds, calendar) as {
  misses: { seed: number; kind: string; tier: string; email: string | null; day: string; magnitude: number }[];
  false_alarms: { seed: number; day: string; detector: string; email: string | null; on: string; message: string }[];
};
for (const m of r.misses)
  console.log(
    `MISS seed ${m.seed} ${m.kind}/${m.tier} from ${m.day} ×${m.magnitude} ${m.email}\n${m.email ? series(m.seed, m.email) : ''}`,
  );
for (const f of r.false_alarms)
  console.log(
    `FALSE seed ${f.seed} ${f.day} ${f.detector} on ${f.on}: ${f.message}\n${f.email ? series(f.seed, f.email) : ''}`,
  );
