/**
 * `npm run dashboards`: writes dashboards/generated/<uid>.json, the files Grafana's provisioning loads.
 * `--out DIR` writes elsewhere (the test regenerates into a temporary directory and diffs).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dashboards } from './index';

const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag >= 0 ? process.argv[outFlag + 1] : join(__dirname, '..', 'generated'));

mkdirSync(out, { recursive: true });
// A renamed dashboard must not leave its old file behind for provisioning to load.
for (const f of readdirSync(out)) if (f.endsWith('.json')) rmSync(join(out, f));
const built = dashboards();
for (const d of built) writeFileSync(join(out, `${d.uid}.json`), `${JSON.stringify(d, null, 2)}\n`);
process.stdout.write(`wrote ${built.length} dashboards to ${out}\n`);
