import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import type { DataSource } from '../datasource';
import { withDefaults } from '../query-types';
import type { CursorQuery } from '../types';
import { QueryFields } from './QueryFields';

/** Annotations are incidents: only the incident filters, no query type picker. */
export function AnnotationEditor({ query, onChange }: QueryEditorProps<DataSource, CursorQuery>) {
  return <QueryFields query={withDefaults({ ...query, queryType: 'incidents' })} onChange={onChange} />;
}
