import React from 'react';
import { Combobox, type ComboboxOption, InlineField, Input, Stack } from '@grafana/ui';
import { fieldOptions, fieldsOf } from '../query-types';
import type { CursorQuery, FieldName } from '../types';
import { FIELD_INFO } from './fields';

interface Props {
  query: CursorQuery;
  onChange: (query: CursorQuery) => void;
  onRunQuery?: () => void;
}

const LABEL_WIDTH = 12;

/** The fields of the query's type, and only those: selects for the schema's enums, inputs for the rest. */
export function QueryFields({ query, onChange, onRunQuery }: Props) {
  const set = (field: FieldName, value: string | number | undefined) => {
    onChange({ ...query, [field]: value });
  };
  const run = () => onRunQuery?.();

  return (
    <Stack gap={0} wrap="wrap">
      {fieldsOf(query.queryType).map((field) => {
        const info = FIELD_INFO[field];
        const id = `cursor-${query.refId}-${field}`;
        const value = query[field];
        const options = fieldOptions(query.queryType, field);
        if (options) {
          const choices: Array<ComboboxOption<string>> = options.map((o) => ({ label: o, value: o }));
          if (typeof value === 'string' && !options.includes(value)) {
            choices.push({ label: value, value }); // a $variable typed by hand
          }
          return (
            <InlineField key={field} label={info.label} labelWidth={LABEL_WIDTH} tooltip={info.tooltip} htmlFor={id}>
              <Combobox
                id={id}
                width={22}
                options={choices}
                value={typeof value === 'string' ? value : null}
                isClearable
                createCustomValue
                placeholder="any"
                onChange={(v) => {
                  set(field, v?.value ?? undefined);
                  run();
                }}
              />
            </InlineField>
          );
        }
        if (field === 'limit') {
          return (
            <InlineField key={field} label={info.label} labelWidth={LABEL_WIDTH} tooltip={info.tooltip} htmlFor={id}>
              <Input
                id={id}
                type="number"
                min={1}
                width={10}
                value={value ?? ''}
                onChange={(e) => {
                  const n = parseInt(e.currentTarget.value, 10);
                  set(field, Number.isFinite(n) ? n : undefined);
                }}
                onBlur={run}
              />
            </InlineField>
          );
        }
        return (
          <InlineField key={field} label={info.label} labelWidth={LABEL_WIDTH} tooltip={info.tooltip} htmlFor={id}>
            <Input
              id={id}
              width={26}
              value={value ?? ''}
              placeholder={info.placeholder}
              onChange={(e) => set(field, e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
              onBlur={run}
            />
          </InlineField>
        );
      })}
    </Stack>
  );
}
