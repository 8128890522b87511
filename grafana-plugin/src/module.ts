import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import type { CursorDataSourceOptions, CursorQuery, CursorSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<DataSource, CursorQuery, CursorDataSourceOptions, CursorSecureJsonData>(
  DataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
