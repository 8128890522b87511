import type { Finding, Severity } from '../detect/types';

/**
 * Lifecycle: detected → alerted → acknowledged → resolved. Status only moves forward; acknowledge and
 * resolve may skip steps (a silence can acknowledge before Alertmanager ever notified).
 */
export type IncidentStatus = 'detected' | 'alerted' | 'acknowledged' | 'resolved';
export const STATUS_ORDER: Record<IncidentStatus, number> = { detected: 0, alerted: 1, acknowledged: 2, resolved: 3 };

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** An incident carries the evidence of the latest finding that opened or escalated it. */
export interface Incident
  extends Pick<Finding, 'key' | 'detector' | 'severity' | 'subject' | 'email' | 'groupId' | 'groupName' | 'models' | 'day' | 'message' | 'value' | 'baseline' | 'threshold' | 'unit' | 'onsetMs'> {
  id: number;
  status: IncidentStatus;
  detectedMs: number;
  alertedMs: number | null;
  acknowledgedMs: number | null;
  acknowledgedBy: string | null;
  resolvedMs: number | null;
  resolvedBy: string | null;
  /** Labels of the Alertmanager alert that first notified (used to match silences exactly). */
  alertLabels: Record<string, string> | null;
  clearRuns: number;
  firstRun: number;
  lastSeenRun: number;
  updatedMs: number;
}

export interface IncidentEvent {
  id: number;
  incidentId: number;
  atMs: number;
  kind: 'opened' | 'escalated' | 'alerted' | 'acknowledged' | 'resolved' | 'am_resolved';
  fromStatus: IncidentStatus | null;
  toStatus: IncidentStatus | null;
  actor: string;
  detail: unknown;
}
