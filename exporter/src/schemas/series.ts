import { Type, type Static } from '@sinclair/typebox';
import { EpochMs, Filters, Limit } from './common';

export const SeriesMetric = Type.Union(
  [Type.Literal('spend'), Type.Literal('requests'), Type.Literal('tokens'), Type.Literal('cost_per_request')],
  { description: 'spend in USD (charged), billable request units, all tokens (input+output+cache), USD per request' },
);
export type SeriesMetric = Static<typeof SeriesMetric>;

export const SeriesBy = Type.Union([
  Type.Literal('team'),
  Type.Literal('user'),
  Type.Literal('group'),
  Type.Literal('model'),
]);
export type SeriesBy = Static<typeof SeriesBy>;

export const SeriesQuery = Type.Object({
  metric: SeriesMetric,
  by: Type.Optional(SeriesBy),
  from: EpochMs,
  to: EpochMs,
  interval: Type.Optional(
    Type.String({
      pattern: '^\\d+(ms|s|m|h|d)$',
      description: "bucket width, at least 1d (the data is daily), a whole number of days, e.g. '1d', '7d'. Default 1d",
    }),
  ),
  limit: Type.Optional({
    ...Limit,
    maximum: 50,
    description: 'top N series by total (user/group/model); the rest are summed into "other". Default 10',
  }),
  ...Filters,
});
export type SeriesQuery = Static<typeof SeriesQuery>;
