import { hashUser } from '../domain/user-hash';
import type { Incident } from '../store/incidents';

/**
 * How an incident looks to Prometheus/Alertmanager. metrics/detection.ts exports every open incident as
 * cursor_anomaly_open{detector, severity, subject, user, group}; alert rules carry those labels through.
 * `user` is the e-mail, or its hash when METRICS_HASH_USERS is on, so both spellings are accepted.
 */
type MatchFields = Pick<Incident, 'detector' | 'subject' | 'email' | 'groupId' | 'groupName'>;

/** Every accepted spelling of each label that identifies an incident. Severity is left out on purpose:
 *  an escalated incident is still the same incident even though its alert series changed. */
function incidentLabelValues(inc: MatchFields): Record<string, string[]> {
  const user = inc.subject === 'user' && inc.email ? [inc.email.toLowerCase(), hashUser(inc.email)] : [''];
  const group = [inc.groupName, inc.groupId].filter((g): g is string => !!g);
  return { detector: [inc.detector], subject: [inc.subject], user, group };
}

/**
 * Does an alert's label set point at this incident? The alert must name the detector; the subject comes
 * from its `subject` label or, failing that, from which of user/group is set. Labels such as alertname,
 * job or severity are not ours to judge and are ignored.
 */
export function alertMatchesIncident(labels: Record<string, string>, inc: MatchFields): boolean {
  if (!labels.detector || labels.detector !== inc.detector) return false;
  const subject = labels.subject || (labels.user ? 'user' : labels.group ? 'group' : 'team');
  if (subject !== inc.subject) return false;
  const values = incidentLabelValues(inc);
  if (subject === 'user') return values.user.includes((labels.user ?? '').toLowerCase()); // hashes are lower-case hex
  if (subject === 'group') return !!labels.group && values.group.includes(labels.group);
  return true;
}

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean; // absent in Alertmanager < 0.22: means "="
}

function matcherTest(m: SilenceMatcher, value: string): boolean {
  return m.isEqual === false ? !equalsOrMatches(m, value) : equalsOrMatches(m, value);
}

function equalsOrMatches(m: SilenceMatcher, value: string): boolean {
  if (!m.isRegex) return m.value === value;
  try {
    // Alertmanager anchors regex matchers at both ends.
    return new RegExp(`^(?:${m.value})$`).test(value);
  } catch {
    return false; // Go RE2 syntax JavaScript cannot parse: treat as no match rather than guess
  }
}

/**
 * Does a silence cover this incident? With the labels Alertmanager sent when it notified, this is
 * Alertmanager's own rule (every matcher must match). Before any notification we only know the
 * incident's own labels: matchers on other labels (alertname, job…) are then ignored, but at least one
 * matcher must name an identifying label, so a silence for some unrelated alert acknowledges nothing.
 */
export function silenceMatchesIncident(
  matchers: readonly SilenceMatcher[],
  inc: MatchFields & Pick<Incident, 'alertLabels'>,
): boolean {
  if (matchers.length === 0) return false;
  if (inc.alertLabels) return matchers.every((m) => matcherTest(m, inc.alertLabels?.[m.name] ?? ''));
  const values = incidentLabelValues(inc);
  let identifying = false;
  for (const m of matchers) {
    const candidates = values[m.name];
    if (!candidates) continue;
    identifying = true;
    const ok =
      m.isEqual === false ? candidates.every((v) => matcherTest(m, v)) : candidates.some((v) => matcherTest(m, v));
    if (!ok) return false;
  }
  return identifying;
}
