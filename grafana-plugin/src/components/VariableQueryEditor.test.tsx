import React, { useState } from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSource } from '../datasource';
import type { VariableQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

function setup(initial: VariableQuery) {
  const emitted: VariableQuery[] = [];
  function Host() {
    const [query, setQuery] = useState(initial);
    return (
      <VariableQueryEditor
        datasource={{} as DataSource}
        query={query}
        onChange={(q) => {
          emitted.push(q);
          setQuery(q);
        }}
        onRunQuery={() => undefined}
      />
    );
  }
  render(<Host />);
  return () => emitted[emitted.length - 1];
}

describe('VariableQueryEditor', () => {
  test('defaults to users', () => {
    setup({ refId: 'v' } as VariableQuery);
    expect(screen.getByLabelText('List')).toHaveValue('Users (name → e-mail)');
  });

  test.each([
    ['Groups (name → id)', 'groups'],
    ['Models', 'models'],
    ['Detectors', 'detectors'],
  ])('choosing %s sets kind %s', async (label, kind) => {
    const last = setup({ refId: 'v', kind: 'users' });
    await userEvent.click(screen.getByLabelText('List'));
    await userEvent.click(within(await screen.findByRole('listbox')).getByText(label, { exact: true }));
    expect(last()).toEqual({ refId: 'v', kind });
  });

  test('the search substring is part of the query; emptying it removes it', async () => {
    const last = setup({ refId: 'v', kind: 'groups' });
    await userEvent.type(screen.getByLabelText('Search'), 'eng');
    expect(last()).toEqual({ refId: 'v', kind: 'groups', q: 'eng' });
    await userEvent.clear(screen.getByLabelText('Search'));
    expect(last()).toEqual({ refId: 'v', kind: 'groups', q: undefined });
  });
});
