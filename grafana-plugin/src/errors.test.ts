import type { FetchError } from '@grafana/runtime';
import { explainError } from './errors';

const fetchError = (status: number, data: unknown, statusText = ''): FetchError => ({
  status,
  statusText,
  data,
  config: { url: '/x' },
});

describe('explainError', () => {
  test('401/403: the token', () => {
    expect(
      explainError(fetchError(401, { statusCode: 401, error: 'Unauthorized', message: 'invalid bearer token' }))
    ).toEqual({
      kind: 'auth',
      status: 401,
      message:
        'the exporter rejected the API token (401: invalid bearer token); check the token in the data source settings',
    });
  });

  test("4xx: the exporter's message", () => {
    const e = explainError(
      fetchError(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'querystring.limit must be <= 1000',
        field: 'querystring.limit',
      })
    );
    expect(e).toEqual({ kind: 'input', status: 400, message: 'exporter: querystring.limit must be <= 1000 (400)' });
  });

  test("5xx with a body: the exporter's message", () => {
    expect(
      explainError(
        fetchError(503, { statusCode: 503, error: 'Service Unavailable', message: 'the store does not answer' })
      ).message
    ).toBe('exporter error 503: the store does not answer');
    expect(explainError(fetchError(500, '<html>oops</html>', 'Internal Server Error')).message).toBe(
      'exporter error 500: <html>oops</html>'
    );
  });

  test("the proxy's empty 502 and 504: unreachable and timeout", () => {
    expect(explainError(fetchError(502, '', 'Bad Gateway'))).toMatchObject({
      kind: 'unreachable',
      message: expect.stringContaining('cannot reach the exporter (502 Bad Gateway)'),
    });
    expect(explainError(fetchError(504, '', 'Gateway Timeout'))).toMatchObject({
      kind: 'timeout',
      message: expect.stringContaining('did not answer in time'),
    });
  });

  test('anything else: its message, never a stack', () => {
    const err = new Error('boom');
    expect(explainError(err)).toEqual({ kind: 'other', message: 'boom' });
  });
});
