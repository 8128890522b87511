import type { Severity } from '../detect/types';
import type { IncidentStatus } from '../store/incidents';

/** Status only moves forward (store/incidents.ts IncidentStatus). */
export const STATUS_ORDER: Record<IncidentStatus, number> = { detected: 0, alerted: 1, acknowledged: 2, resolved: 3 };

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
