import React, { useState } from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSource } from '../datasource';
import { QUERY_TYPE_NAMES, QUERY_TYPES, defaultQuery, fieldOptions, fieldsOf } from '../query-types';
import type { CursorQuery, FieldName, QueryType } from '../types';
import { AnnotationEditor } from './AnnotationEditor';
import { FIELD_INFO } from './fields';
import { QueryEditor } from './QueryEditor';

/** The editor as a panel hosts it: it owns the query and records what the editor emitted. */
function Host({ initial, emitted, ran }: { initial: CursorQuery; emitted: CursorQuery[]; ran: () => void }) {
  const [query, setQuery] = useState(initial);
  return (
    <QueryEditor
      datasource={{} as DataSource}
      query={query}
      onChange={(q) => {
        emitted.push(q);
        setQuery(q);
      }}
      onRunQuery={ran}
    />
  );
}

function setup(initial: CursorQuery) {
  const emitted: CursorQuery[] = [];
  const ran = jest.fn();
  render(<Host initial={initial} emitted={emitted} ran={ran} />);
  return { emitted, ran, last: () => emitted[emitted.length - 1] };
}

async function pick(label: string, option: string) {
  await userEvent.click(screen.getByLabelText(label));
  await userEvent.click(within(await screen.findByRole('listbox')).getByText(option, { exact: true }));
}

describe('QueryEditor', () => {
  test('shows only the fields of the query type, each at its default', () => {
    setup(defaultQuery('series'));
    for (const field of fieldsOf('series')) {
      expect(screen.getByLabelText(FIELD_INFO[field].label)).toBeInTheDocument();
    }
    expect(screen.queryByLabelText(FIELD_INFO.status.label)).not.toBeInTheDocument();
    expect(screen.getByLabelText('Metric')).toHaveValue('spend');
    expect(screen.getByLabelText('By')).toHaveValue('team');
    expect(screen.getByLabelText('Interval')).toHaveValue('1d');
    expect(screen.getByLabelText('Limit')).toHaveValue(10);
  });

  test('a stored query missing fields is shown with its defaults', () => {
    setup({ refId: 'A', queryType: 'analytics' } as CursorQuery);
    expect(screen.getByLabelText('View')).toHaveValue('dau');
    expect(screen.getByLabelText('Limit')).toHaveValue(20);
  });

  test.each(QUERY_TYPE_NAMES.filter((t) => t !== 'series'))(
    'picking %s starts from its defaults, with no field of another type',
    async (type) => {
      const { last, ran } = setup({ ...defaultQuery('series'), user: 'a@b.c' });
      await pick('Query type', QUERY_TYPES[type].label);
      expect(last()).toEqual(defaultQuery(type));
      expect(ran).toHaveBeenCalled();
      for (const field of fieldsOf(type)) {
        expect(screen.getByLabelText(FIELD_INFO[field].label)).toBeInTheDocument();
      }
    }
  );

  const cases: Array<[QueryType, FieldName]> = QUERY_TYPE_NAMES.flatMap((t) =>
    fieldsOf(t).map((f): [QueryType, FieldName] => [t, f])
  );
  test.each(cases)('%s: changing %s changes the query', async (type, field) => {
    const { last } = setup(defaultQuery(type));
    const options = fieldOptions(type, field);
    const before = defaultQuery(type)[field];
    let want: string | number;
    if (options) {
      want = options.find((o) => o !== before)!;
      await pick(FIELD_INFO[field].label, want);
    } else if (field === 'limit') {
      want = 7;
      const input = screen.getByLabelText('Limit');
      await userEvent.clear(input);
      await userEvent.type(input, '7');
    } else {
      want = `$${field}x`;
      const input = screen.getByLabelText(FIELD_INFO[field].label);
      await userEvent.clear(input);
      await userEvent.type(input, want);
    }
    expect(last()).toEqual({ ...defaultQuery(type), [field]: want });
  });

  test('a $variable can be typed into a select field', async () => {
    const { last } = setup(defaultQuery('series'));
    await userEvent.type(screen.getByLabelText('Metric'), '$metric{enter}');
    expect(last().metric).toBe('$metric');
  });

  test('clearing a filter removes it (no filter)', async () => {
    const { last } = setup({ ...defaultQuery('topSpenders'), user: 'a@b.c' });
    await userEvent.clear(screen.getByLabelText('User'));
    expect(last().user).toBeUndefined();
  });
});

describe('AnnotationEditor', () => {
  test('only incident filters; changing one changes the annotation query', async () => {
    const emitted: CursorQuery[] = [];
    render(
      <AnnotationEditor
        datasource={{} as DataSource}
        query={{ refId: 'Anno', queryType: 'incidents' }}
        onChange={(q) => emitted.push(q)}
        onRunQuery={() => undefined}
      />
    );
    expect(screen.queryByLabelText('Query type')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Limit')).toHaveValue(100);
    await pick('Severity', 'critical');
    expect(emitted.at(-1)).toEqual({ ...defaultQuery('incidents', 'Anno'), severity: 'critical' });
  });
});
