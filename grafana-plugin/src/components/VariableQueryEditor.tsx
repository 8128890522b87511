import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Combobox, InlineField, Input, Stack } from '@grafana/ui';
import { VariableKind } from '../../../exporter/src/schemas';
import { enumValues } from '../query-types';
import type { DataSource } from '../datasource';
import type { CursorDataSourceOptions, CursorQuery, VariableQuery } from '../types';

type Props = QueryEditorProps<DataSource, CursorQuery, CursorDataSourceOptions, VariableQuery>;

export const KIND_LABELS: Record<VariableQuery['kind'], string> = {
  users: 'Users (name → e-mail)',
  groups: 'Groups (name → id)',
  models: 'Models',
  detectors: 'Detectors',
};

/** Which list a template variable holds, and an optional search substring. */
export function VariableQueryEditor({ query, onChange }: Props) {
  const kind = query.kind ?? 'users';
  return (
    <Stack gap={0}>
      <InlineField label="List" labelWidth={10} htmlFor="cursor-variable-kind">
        <Combobox
          id="cursor-variable-kind"
          width={28}
          options={(enumValues(VariableKind) ?? []).map((k) => ({
            label: KIND_LABELS[k as VariableQuery['kind']] ?? k,
            value: k,
          }))}
          value={kind}
          onChange={(v) =>
            onChange({ ...query, refId: query.refId ?? 'variable', kind: v.value as VariableQuery['kind'] })
          }
        />
      </InlineField>
      <InlineField
        label="Search"
        labelWidth={10}
        tooltip="only values containing this substring (may hold $variables)"
        htmlFor="cursor-variable-q"
      >
        <Input
          id="cursor-variable-q"
          width={24}
          value={query.q ?? ''}
          onChange={(e) =>
            onChange({ ...query, refId: query.refId ?? 'variable', kind, q: e.currentTarget.value || undefined })
          }
        />
      </InlineField>
    </Stack>
  );
}
