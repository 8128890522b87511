import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';

/** Panels that carry no data and so need no unit. */
const DATALESS = new Set(['text', 'row']);

function panelsOf(d: Dashboard): Panel[] {
  return (d.panels ?? []).flatMap((p) =>
    p.type === 'row' ? [p as unknown as Panel, ...(((p as RowPanel).panels ?? []) as Panel[])] : [p as Panel],
  );
}

/**
 * What the SDK leaves out and Grafana wants (panel ids, target refIds), plus the rules every panel
 * here follows: a description, a unit where it shows data, and a datasource on every target.
 * Throws on the first violation so `npm run dashboards` never writes a half-right dashboard.
 */
export function finalize(d: Dashboard): Dashboard {
  // The SDK defaults links and annotation toggles to Grafana 12's controls menu, which hides them
  // behind a button; the dashboard header is where people look for them.
  for (const l of d.links ?? []) delete l.placement;
  for (const a of d.annotations?.list ?? []) delete a.placement;
  panelsOf(d).forEach((p, i) => {
    p.id = i + 1;
    const where = `${d.uid}: panel "${p.title}"`;
    if (p.type === 'row') return;
    if (!p.description) throw new Error(`${where} has no description`);
    if (!DATALESS.has(p.type) && !p.fieldConfig?.defaults?.unit) throw new Error(`${where} has no unit`);
    (p.targets ?? []).forEach((query, j) => {
      // Every built target is a plain query object with these two fields (cog.Dataquery only marks the variant).
      const t = query as unknown as { datasource?: { uid?: string }; refId?: string };
      if (!t.datasource?.uid) throw new Error(`${where}: target ${j} has no datasource`);
      t.refId = String.fromCharCode(65 + j);
    });
  });
  return d;
}
