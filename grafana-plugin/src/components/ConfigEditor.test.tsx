import React, { useState } from 'react';
import type { DataSourceSettings } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CursorDataSourceOptions, CursorSecureJsonData } from '../types';
import { ConfigEditor, urlProblem } from './ConfigEditor';

type Settings = DataSourceSettings<CursorDataSourceOptions, CursorSecureJsonData>;

function settings(over: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'cursor-usage',
    name: 'Cursor usage',
    type: 'cursorusagestack-cursorusage-datasource',
    jsonData: {},
    secureJsonFields: {},
    ...over,
  } as Settings;
}

function Host({ initial, emitted }: { initial: Settings; emitted: Settings[] }) {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(o) => {
        emitted.push(o);
        setOptions(o);
      }}
    />
  );
}

function setup(initial: Settings) {
  const emitted: Settings[] = [];
  render(<Host initial={initial} emitted={emitted} />);
  return () => emitted[emitted.length - 1];
}

describe('ConfigEditor', () => {
  test('a new data source asks for the URL and the token', () => {
    setup(settings());
    expect(screen.getByText('Enter the exporter URL, e.g. http://exporter:9464')).toBeInTheDocument();
    expect(screen.getByText(/Enter the exporter API_TOKEN/)).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  test('typing the URL stores it in jsonData.url, clears the message and links the exporter docs', async () => {
    const last = setup(settings());
    await userEvent.type(screen.getByLabelText(/^URL/), 'http://exporter:9464');
    expect(last().jsonData.url).toBe('http://exporter:9464');
    expect(screen.queryByText(/Enter the exporter URL/)).not.toBeInTheDocument();
    expect(screen.getByRole('link')).toHaveAttribute('href', 'http://exporter:9464/docs');
  });

  test.each([
    ['exporter:9464', 'The URL must start with http:// or https:// and name a host'],
    ['http://exporter:9464/api/v1', 'Enter the exporter base URL without /api/v1: the plugin adds it'],
  ])('a bad URL (%s) says what is wrong', (url, message) => {
    setup(settings({ jsonData: { url } }));
    expect(screen.getByText(message)).toBeInTheDocument();
    expect(urlProblem(url)).toBe(message);
  });

  test('typing the token stores it in secureJsonData only', async () => {
    const last = setup(settings({ jsonData: { url: 'http://exporter:9464' } }));
    await userEvent.type(screen.getByLabelText(/^API token/), 'abc123');
    expect(last().secureJsonData).toEqual({ apiToken: 'abc123' });
    expect(JSON.stringify(last().jsonData)).not.toContain('abc123');
    expect(screen.queryByText(/Enter the exporter API_TOKEN/)).not.toBeInTheDocument();
  });

  test('a saved token shows "configured"; reset clears it', async () => {
    const last = setup(settings({ jsonData: { url: 'http://exporter:9464' }, secureJsonFields: { apiToken: true } }));
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    expect(screen.queryByText(/Enter the exporter API_TOKEN/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields.apiToken).toBe(false);
    expect(last().secureJsonData).toEqual({ apiToken: '' });
    expect(screen.getByText(/Enter the exporter API_TOKEN/)).toBeInTheDocument();
  });
});
