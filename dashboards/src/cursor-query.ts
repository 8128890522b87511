import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import { CURSOR } from './refs';

/**
 * Our datasource's query model (docs: /work contract, grafana-plugin/src). Field names are the plugin's;
 * `from`/`to` are never stored: the plugin takes them from the panel's time range.
 */
interface People {
  user?: string;
  group?: string;
  model?: string;
}
export interface CursorQueryFields {
  series: People & { metric?: 'spend' | 'requests' | 'tokens' | 'cost_per_request'; by?: 'team' | 'user' | 'group' | 'model'; interval?: string; limit?: number };
  topSpenders: People & { limit?: number };
  members: People & { q?: string; sort?: string; order?: 'asc' | 'desc'; badge?: string; limit?: number };
  modelCosts: People;
  userModelCosts: Omit<People, 'model'> & { limit?: number };
  user: { email?: string; view?: 'summary' | 'timeline' | 'models' | 'features' | 'anomalies' };
  incidents: { status?: string; detector?: string; user?: string; severity?: string; limit?: number };
  mttx: Record<string, never>;
  forecasts: { subject?: 'team' | 'group' | 'user'; group?: string; limit?: number };
  budgets: Record<string, never>;
  savings: { limit?: number };
  analytics: {
    view?: 'dau' | 'models' | 'model-adoption' | 'mcp' | 'file-extensions' | 'client-versions' | 'commands' | 'agent-edits' | 'tabs';
    limit?: number;
  };
  cycleSummary: { group?: string };
  planExhaustion: { group?: string; limit?: number };
  health: Record<string, never>;
}
export type CursorQueryType = keyof CursorQueryFields;

type CursorQuery = cog.Dataquery & { refId?: string; datasource: DataSourceRef; queryType: CursorQueryType } & Record<string, unknown>;

/** A panel target for the Cursor usage datasource, built like the SDK's own query builders. */
class CursorQueryBuilder<T extends CursorQueryType> implements cog.Builder<cog.Dataquery> {
  private readonly internal: { queryType: T } & CursorQueryFields[T];

  constructor(queryType: T, fields: CursorQueryFields[T] = {} as CursorQueryFields[T]) {
    this.internal = { queryType, ...fields };
  }

  build(): CursorQuery {
    return { datasource: CURSOR, ...this.internal, _implementsDataqueryVariant() {} };
  }
}

export const cursorQuery = <T extends CursorQueryType>(queryType: T, fields?: CursorQueryFields[T]) => new CursorQueryBuilder(queryType, fields);
