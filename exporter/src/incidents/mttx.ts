import { MINUTE_MS } from '../domain/time';
import { mean, median } from '../detect/stats';
import type { IncidentsRepo, IncidentTimes } from '../store/incidents';

/**
 * MTTx definitions, all in ms (minutes are also given for display):
 * - MTTD = alerted − onset. Onset is when the condition first appears IN THE DATA (Finding.onsetMs), so
 *   MTTD covers API lag, collection interval, detection and Alertmanager routing. The reference measured
 *   detection → incident creation in the same process, which is ~0 by construction. Never-alerted
 *   incidents are not counted.
 * - MTTI = acknowledged − alerted, as the reference's code does. Its README diagram draws MTTI from
 *   acknowledged to resolved, but that span is already inside MTTR and the code's meaning ("how fast a
 *   human reacts to the alert") is what the stat cards showed, so we keep the code's. Not counted when
 *   either stamp is missing, or when the acknowledgement came before the alert (a silence set up ahead).
 * - MTTR = resolved − onset. Measured from the same origin as MTTD so MTTR ≥ MTTD and both describe the
 *   anomaly's life in the data, not the exporter's bookkeeping. Auto-resolved incidents count too: their
 *   resolved time is the run that saw the condition clear for the configured number of runs.
 */
export interface Mttx {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  meanMinutes: number | null;
}

export interface MttxSet {
  incidents: number;
  mttd: Mttx;
  mtti: Mttx;
  mttr: Mttx;
}

export interface MttxReport extends MttxSet {
  fromMs: number;
  toMs: number;
  byDetector: Record<string, MttxSet>;
}

export type MttxInput = IncidentTimes;

function span(from: number | null, to: number | null): number | null {
  return from === null || to === null || to < from ? null : to - from;
}

function summarise(values: number[]): Mttx {
  if (values.length === 0) return { count: 0, meanMs: null, medianMs: null, meanMinutes: null };
  const meanMs = mean(values);
  return { count: values.length, meanMs, medianMs: median(values), meanMinutes: meanMs / MINUTE_MS };
}

function setOf(list: readonly MttxInput[]): MttxSet {
  const d: number[] = [];
  const i: number[] = [];
  const r: number[] = [];
  for (const x of list) {
    const mttd = span(x.onsetMs, x.alertedMs);
    const mtti = span(x.alertedMs, x.acknowledgedMs);
    const mttr = span(x.onsetMs, x.resolvedMs);
    if (mttd !== null) d.push(mttd);
    if (mtti !== null) i.push(mtti);
    if (mttr !== null) r.push(mttr);
  }
  return { incidents: list.length, mttd: summarise(d), mtti: summarise(i), mttr: summarise(r) };
}

/** Pure: MTTx overall and per detector for the given incidents. */
export function computeMttx(incidents: readonly MttxInput[]): MttxSet & { byDetector: Record<string, MttxSet> } {
  const groups = new Map<string, MttxInput[]>();
  for (const x of incidents) {
    const g = groups.get(x.detector);
    if (g) g.push(x);
    else groups.set(x.detector, [x]);
  }
  const byDetector: Record<string, MttxSet> = {};
  for (const [k, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) byDetector[k] = setOf(g);
  return { ...setOf(incidents), byDetector };
}

/** MTTx over incidents detected in [fromMs, toMs]. */
export function mttxReport(incidents: Pick<IncidentsRepo, 'times'>, fromMs: number, toMs: number): MttxReport {
  return { fromMs, toMs, ...computeMttx(incidents.times(fromMs, toMs)) };
}
