/**
 * A page that loads the BUILT plugin (dist/module.js, an AMD module) the way Grafana does, with the
 * Grafana packages it names as externals, and mounts its editors in Grafana's theme. The browser test
 * drives it; `#emitted` shows the last query the query editor emitted.
 */
import * as data from '@grafana/data';
import { createTheme, type DataSourceInstanceSettings, type DataSourceSettings } from '@grafana/data';
import * as ui from '@grafana/ui';
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { DATASOURCE } from './datasource';
import { loadPlugin, type AnyPlugin } from './load-plugin';

const mode = new URLSearchParams(location.search).get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });

const settings = {
  ...DATASOURCE,
  jsonData: { url: 'http://exporter:9464' },
  secureJsonFields: { apiToken: true },
  readOnly: false,
} as unknown as DataSourceSettings;

function Harness({ plugin }: { plugin: AnyPlugin }) {
  const Ds = plugin.DataSourceClass;
  const ds = React.useMemo(
    () => new Ds({ ...settings, meta: plugin.meta } as unknown as DataSourceInstanceSettings),
    [Ds, plugin.meta]
  );
  const [query, setQuery] = React.useState(() => ({ refId: 'A', ...ds.getDefaultQuery?.('dashboard') }));
  const [variableQuery, setVariableQuery] = React.useState({ refId: 'variable', kind: 'users' });
  const [options, setOptions] = React.useState(settings);
  const QueryEditor = plugin.components.QueryEditor!;
  const ConfigEditor = plugin.components.ConfigEditor!;
  const VariableEditor = ds.variables.editor;
  const section = { marginBottom: 24 };
  const heading = { fontSize: 14, fontWeight: 500, margin: '0 0 8px', color: theme.colors.text.secondary };
  return (
    <data.ThemeContext.Provider value={theme}>
      <ui.GlobalStyles />
      <div
        id="editors"
        style={{
          background: theme.colors.background.primary,
          color: theme.colors.text.primary,
          padding: 16,
          width: 880,
        }}
      >
        <div style={section}>
          <h3 style={heading}>Query editor</h3>
          <QueryEditor datasource={ds} query={query} onChange={setQuery} onRunQuery={() => undefined} />
          <pre id="emitted" style={{ fontSize: 12, color: theme.colors.text.secondary }}>
            {JSON.stringify(query)}
          </pre>
        </div>
        <div style={section}>
          <h3 style={heading}>Template variable</h3>
          <VariableEditor
            datasource={ds}
            query={variableQuery}
            onChange={setVariableQuery}
            onRunQuery={() => undefined}
          />
        </div>
        <div style={section}>
          <ConfigEditor options={options} onOptionsChange={setOptions} />
        </div>
      </div>
    </data.ThemeContext.Provider>
  );
}

loadPlugin().then((plugin) => {
  document.body.style.background = theme.colors.background.canvas;
  createRoot(document.getElementById('root')!).render(<Harness plugin={plugin} />);
});
