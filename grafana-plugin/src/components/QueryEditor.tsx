import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Combobox, type ComboboxOption, InlineField, Stack } from '@grafana/ui';
import type { DataSource } from '../datasource';
import { QUERY_TYPE_NAMES, QUERY_TYPES, defaultQuery, withDefaults } from '../query-types';
import type { CursorDataSourceOptions, CursorQuery, QueryType } from '../types';
import { QueryFields } from './QueryFields';

type Props = QueryEditorProps<DataSource, CursorQuery, CursorDataSourceOptions>;

const TYPE_OPTIONS: Array<ComboboxOption<QueryType>> = QUERY_TYPE_NAMES.map((t) => ({
  label: QUERY_TYPES[t].label,
  value: t,
  description: QUERY_TYPES[t].description,
}));

/** Query type first; switching type starts from that type's defaults so no field of another type lingers. */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const current = withDefaults(query);
  const id = `cursor-${query.refId}-queryType`;
  return (
    <Stack direction="column" gap={1}>
      <InlineField label="Query type" labelWidth={14} tooltip={QUERY_TYPES[current.queryType].description} htmlFor={id}>
        <Combobox
          id={id}
          width={30}
          options={TYPE_OPTIONS}
          value={current.queryType}
          onChange={(v) => {
            onChange(defaultQuery(v.value, query.refId));
            onRunQuery();
          }}
        />
      </InlineField>
      <QueryFields query={current} onChange={onChange} onRunQuery={onRunQuery} />
    </Stack>
  );
}
