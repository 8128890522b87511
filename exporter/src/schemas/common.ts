/**
 * Shapes shared by every route. This folder imports only @sinclair/typebox so the Grafana
 * datasource plugin can import the same schemas and types (one source of truth for the query model).
 */
import { Type, type Static, type SchemaOptions } from '@sinclair/typebox';

/** Column types Grafana maps to field types without a transform. */
export const ColumnType = Type.Union([
  Type.Literal('time'),
  Type.Literal('number'),
  Type.Literal('string'),
  Type.Literal('boolean'),
]);
export type ColumnType = Static<typeof ColumnType>;

export const Column = Type.Object(
  {
    name: Type.String(),
    type: ColumnType,
    unit: Type.Optional(Type.String({ description: "Grafana unit id, e.g. 'currencyUSD', 'short', 'percentunit'" })),
  },
  { $id: 'Column' },
);
export type Column = Static<typeof Column>;

export const Cell = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);
export type Cell = Static<typeof Cell>;

/**
 * The one response shape for tables and series: a Grafana data frame. `columns` says each
 * field's type (times are epoch ms), `rows` are flat objects keyed by column name, so both the
 * datasource plugin and the generic Infinity datasource read them with no transform.
 * Series are "wide": one `time` column and one number column per series.
 */
/** Rows are declared as open records: an `anyOf` per cell would make every response serialise
 *  value by value through schema checks (5× slower on a 100-row page); `columns` carries the types. */
const Row = Type.Record(Type.String(), Type.Unknown(), {
  description: 'one flat object per row: string | number | boolean | null per column',
});

export const Frame = Type.Object(
  {
    columns: Type.Array(Column),
    rows: Type.Array(Row),
  },
  { $id: 'Frame', description: 'Grafana data frame: typed columns, flat rows, time in epoch ms' },
);
export interface Frame {
  columns: Column[];
  rows: Record<string, Cell>[];
}

/** A frame plus a few scalar facts about it (e.g. the team median a table is compared against). */
export const FrameWithMeta = Type.Object({
  columns: Type.Array(Column),
  rows: Type.Array(Row),
  meta: Type.Record(Type.String(), Cell),
});
export interface FrameWithMeta extends Frame {
  meta: Record<string, Cell>;
}

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the offending input, e.g. querystring.from or body.name' })),
    rows: Type.Optional(
      Type.Array(
        Type.Object({
          row: Type.Integer({ description: '1-based line of the CSV, header = 1' }),
          reason: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const Ok = Type.Object({ ok: Type.Literal(true) });

/** Epoch ms as Grafana sends `${__from}` / `${__to}`. */
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'epoch milliseconds' });

/** Filters every dashboard query accepts. `group` is a group id or `parent:<Name>` (all `Name > …` groups). */
export const Filters = {
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'member email' })),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "group id, or 'parent:<Name>'" })),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
};

export const RangeQuery = Type.Object({
  from: EpochMs,
  to: EpochMs,
  ...Filters,
});
export type RangeQuery = Static<typeof RangeQuery>;

export const Limit = Type.Integer({ minimum: 1, maximum: 1000 });

/** A string enum (JSON Schema `enum`) whose static type is the union of its values. */
export function StringEnum<const T extends readonly string[]>(values: T, options?: SchemaOptions) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}
