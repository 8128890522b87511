import { UNASSIGNED_GROUP } from './labels';
import type { FamilyFactory } from './types';

/**
 * The detection engine as PromQL sees it: each detector's latest reading per subject next to the
 * threshold in force for that subject (so `signal / threshold` is the distance to firing), and the
 * engine's verdicts, one series per open incident. Labels: subject (user|group|team), user (empty
 * unless subject="user"), group (the user's billing group for users, the group for groups).
 * The verdicts' evidence (value, baseline, threshold with the model that drove it and the unit) is there
 * for alert descriptions; like cursor_anomaly_open it exists only for open incidents, so it stays small.
 */
export const detectionFamily: FamilyFactory = ({ store: { findings, incidents }, userLabel, gauge, counter }) => {
  const labelNames = ['detector', 'subject', 'user', 'group'];
  const signal = gauge(
    'cursor_detector_signal',
    "Latest reading of each detector per subject, in the detector's unit (z-score in sigma, spike and outlier ratios, USD, requests, tokens); only subjects at >= 50% of their threshold.",
    labelNames,
  );
  const threshold = gauge(
    'cursor_detector_threshold',
    'Threshold in force for each detector and subject, in the same unit as cursor_detector_signal.',
    labelNames,
  );
  const open = gauge(
    'cursor_anomaly_open',
    'Open (unresolved) incidents by subject, detector and severity: 1 per open incident (more if several share these labels, e.g. per-model incidents).',
    ['detector', 'severity', 'subject', 'user', 'group'],
  );
  const evidenceLabels = ['detector', 'severity', 'subject', 'user', 'group', 'model', 'unit'];
  const evidence = (what: string) =>
    gauge(
      `cursor_anomaly_${what}`,
      `The ${what} of each open incident's latest finding, in its unit label (usd, usd_per_request, ratio, sigma, requests, tokens, users); model is the one that drove it, empty when none.`,
      evidenceLabels,
    );
  const value = evidence('value');
  const baseline = evidence('baseline');
  const limit = evidence('threshold');
  // No severity label: escalation rewrites an incident's severity, which would move counts between series.
  const opened = counter('cursor_incidents_opened_total', 'Incidents ever opened, by detector.', ['detector']);
  const subjectLabels = (subject: string, email: string | null, groupName: string | null) => ({
    subject,
    user: email ? userLabel(email) : '',
    group: groupName ?? (subject === 'user' ? UNASSIGNED_GROUP : ''),
  });

  return {
    name: 'detection',
    refill() {
      signal.reset();
      threshold.reset();
      for (const r of findings.signals()) {
        const subject = r.email ? 'user' : r.groupId ? 'group' : 'team';
        const labels = { detector: r.detector, ...subjectLabels(subject, r.email, r.groupName) };
        signal.set(labels, r.value);
        threshold.set(labels, r.threshold);
      }

      open.reset();
      value.reset();
      baseline.reset();
      limit.reset();
      for (const r of incidents.openEvidence()) {
        const labels = {
          detector: r.detector,
          severity: r.severity,
          ...subjectLabels(r.subject, r.email, r.groupName),
        };
        open.inc(labels);
        // Ordered by value: when incidents share every label, the largest one's evidence is what remains.
        const withModel = { ...labels, model: (JSON.parse(r.models) as string[])[0] ?? '', unit: r.unit };
        value.set(withModel, r.value);
        limit.set(withModel, r.threshold);
        if (r.baseline !== null) baseline.set(withModel, r.baseline);
      }

      opened.reset();
      for (const r of incidents.countByDetector()) opened.inc({ detector: r.detector }, r.n);
    },
  };
};
