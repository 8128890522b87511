/**
 * One source of truth: every field of every query type is a property of its route's querystring
 * schema in exporter/src/schemas, and select options are that schema's enum values. (The test
 * against the running exporter's OpenAPI document, test/datasource.test.ts, checks the routes use them.)
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { SeriesQuery, MembersQuery, IncidentsQuery, AnalyticsView } from '../../exporter/src/schemas';
import {
  QUERY_TYPE_NAMES,
  QUERY_TYPES,
  defaultQuery,
  enumValues,
  fieldOptions,
  fieldsOf,
  withDefaults,
} from './query-types';

describe('query model', () => {
  test.each(QUERY_TYPE_NAMES)('%s: every querystring field is a property of the route schema', (type) => {
    const spec = QUERY_TYPES[type];
    for (const field of fieldsOf(type).filter((f) => !spec.pathFields.includes(f))) {
      expect({ field, known: spec.querystring !== undefined && field in spec.querystring.properties }).toEqual({
        field,
        known: true,
      });
    }
  });

  test.each(QUERY_TYPE_NAMES)('%s: defaults are valid values of their schema', (type) => {
    const q = defaultQuery(type) as unknown as Record<string, unknown>;
    for (const field of fieldsOf(type)) {
      const options = fieldOptions(type, field);
      if (options && typeof q[field] === 'string' && !String(q[field]).startsWith('$')) {
        expect(options).toContain(q[field]);
      }
    }
  });

  test('options are the schemas’ enums', () => {
    expect(fieldOptions('series', 'metric')).toEqual(['spend', 'requests', 'tokens', 'cost_per_request']);
    expect(fieldOptions('series', 'by')).toEqual(enumValues(SeriesQuery.properties.by));
    expect(fieldOptions('members', 'badge')).toEqual((MembersQuery.properties.badge as TSchema).enum);
    expect(fieldOptions('incidents', 'severity')).toEqual(['info', 'warning', 'critical']);
    expect(fieldOptions('incidents', 'status')).toEqual((IncidentsQuery.properties.status as TSchema).enum);
    expect(fieldOptions('analytics', 'view')).toEqual((AnalyticsView as TSchema).enum);
    expect(fieldOptions('series', 'user')).toBeUndefined();
    expect(SeriesQuery[Kind]).toBe('Object');
  });

  test('defaults of the contract', () => {
    expect(defaultQuery('series')).toEqual({
      refId: 'A',
      queryType: 'series',
      metric: 'spend',
      by: 'team',
      interval: '1d',
      limit: 10,
    });
    expect(defaultQuery('user')).toEqual({ refId: 'A', queryType: 'user', email: '$user', view: 'summary' });
    expect(defaultQuery('analytics')).toEqual({ refId: 'A', queryType: 'analytics', view: 'dau', limit: 20 });
    expect(withDefaults({ refId: 'B', queryType: 'topSpenders', user: '$user' })).toEqual({
      refId: 'B',
      queryType: 'topSpenders',
      limit: 10,
      user: '$user',
    });
  });
});
