import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';
import type { QueryFields } from '../../grafana-plugin/src/types';
import { CURSOR } from './refs';

/**
 * Targets use the plugin's own query model (field names and types from grafana-plugin/src/types, typed
 * from the exporter's API schemas); `from`/`to` are never stored: the plugin takes them from the panel's time range.
 */
type CursorQueryFields = { [T in keyof QueryFields]: WithVariables<QueryFields[T]> };
/** Every string field may hold a `$variable` instead of one of its values. */
type WithVariables<F> = { [K in keyof F]: F[K] extends string | undefined ? F[K] | `$${string}` : F[K] };
type CursorQueryType = keyof CursorQueryFields;

type CursorQuery = cog.Dataquery & { refId?: string; datasource: DataSourceRef; queryType: CursorQueryType } & Record<
    string,
    unknown
  >;

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

export const cursorQuery = <T extends CursorQueryType>(queryType: T, fields?: CursorQueryFields[T]) =>
  new CursorQueryBuilder(queryType, fields);
