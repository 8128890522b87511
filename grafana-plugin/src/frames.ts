/**
 * The exporter's answers as Grafana data frames. Tables and series already are frames (typed
 * columns, flat rows, epoch-ms times, Grafana unit ids), so this only maps them; the health answer
 * becomes a one-row frame and incidents become annotation events.
 */
import { createDataFrame, FieldType, type AnnotationEvent, type DataFrame } from '@grafana/data';
import type { Frame, FrameWithMeta, Health } from '../../exporter/src/schemas';

const FIELD_TYPES = {
  time: FieldType.time,
  number: FieldType.number,
  string: FieldType.string,
  boolean: FieldType.boolean,
} as const;

export function toDataFrame(frame: Frame | FrameWithMeta, refId: string, name?: string): DataFrame {
  const meta = 'meta' in frame ? frame.meta : undefined;
  return createDataFrame({
    refId,
    name,
    meta: meta ? { custom: meta } : undefined,
    fields: frame.columns.map((c) => ({
      name: c.name,
      type: FIELD_TYPES[c.type],
      config: c.unit ? { unit: c.unit } : {},
      values: frame.rows.map((r) => r[c.name] ?? null),
    })),
  });
}

/** Several answers of one fanned-out query: table rows concatenated; time series kept one frame per value, named by it. */
export function mergeFrames(parts: Array<{ frame: Frame; label: string }>, refId: string): DataFrame[] {
  if (parts.length === 1) {
    return [toDataFrame(parts[0].frame, refId)];
  }
  if (parts[0].frame.columns[0]?.type === 'time') {
    return parts.map((p) => toDataFrame(p.frame, refId, p.label));
  }
  return [toDataFrame({ columns: parts[0].frame.columns, rows: parts.flatMap((p) => p.frame.rows) }, refId)];
}

/** /health as a one-row table (for a stat panel on the exporter dashboard). */
export function healthFrame(h: Health, refId: string): DataFrame {
  return createDataFrame({
    refId,
    fields: [
      { name: 'status', type: FieldType.string, values: [h.status] },
      { name: 'message', type: FieldType.string, values: [h.message] },
      { name: 'auth', type: FieldType.string, values: [h.auth] },
      { name: 'last_collection', type: FieldType.time, values: [h.data.last_collection_ms] },
      { name: 'last_collection_status', type: FieldType.string, values: [h.data.last_collection_status] },
      { name: 'data_age', type: FieldType.number, config: { unit: 'ms' }, values: [h.data.age_ms] },
      { name: 'max_age', type: FieldType.number, config: { unit: 'ms' }, values: [h.data.max_age_ms] },
      { name: 'latest_usage_day', type: FieldType.string, values: [h.data.latest_usage_day] },
      { name: 'schema_version', type: FieldType.number, values: [h.store.schema_version] },
    ],
  });
}

/**
 * Incidents as annotations: a region from onset (else detection) to resolution, the evidence
 * sentence as text, detector/severity/user/group as tags. Open incidents are points at their onset.
 */
export function incidentAnnotations(frames: DataFrame[]): AnnotationEvent[] {
  return frames.flatMap((f) => {
    const col = (name: string) => f.fields.find((x) => x.name === name)?.values ?? [];
    const [detected, onset, resolved, detector, severity, email, group, message, status] = [
      'detected',
      'onset',
      'resolved',
      'detector',
      'severity',
      'email',
      'group',
      'message',
      'status',
    ].map(col);
    return Array.from({ length: f.length }, (_, i): AnnotationEvent => {
      const time = (onset[i] ?? detected[i]) as number;
      const end = resolved[i] as number | null;
      const tags = [detector[i], severity[i], email[i], group[i]].filter(
        (t): t is string => typeof t === 'string' && t !== ''
      );
      return {
        time,
        timeEnd: end ?? undefined,
        isRegion: end !== null && end !== undefined && end > time,
        title: `${detector[i]} (${severity[i]}, ${status[i]})`,
        text: String(message[i] ?? ''),
        tags,
      };
    });
  });
}
