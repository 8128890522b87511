/**
 * Turns a response body into a schema-checked value, or a CursorError('invalid-response') naming
 * the endpoint and the first offending JSON path. Nothing is returned unless the whole body is
 * valid, so callers can never persist half a page.
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { CursorError } from './errors';
import { parseJsonBytes } from './json-pieces';

/** Accepts the raw text (or bytes) of a response, or an already parsed value. */
export function parseJson(body: unknown, endpoint: string): unknown {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) return body;
  try {
    return typeof body === 'string' ? JSON.parse(body) : parseJsonBytes(body);
  } catch (err) {
    throw new CursorError(`malformed JSON in response (${(err as Error).message.slice(0, 120)})`, {
      kind: 'invalid-response',
      endpoint,
    });
  }
}

export function validate<T extends TSchema>(check: TypeCheck<T>, body: unknown, endpoint: string): T['static'] {
  const value = parseJson(body, endpoint);
  if (check.Check(value)) return value;
  const first = check.Errors(value).First();
  const path = first?.path || '/';
  const problem =
    first === undefined
      ? 'does not match the expected shape'
      : first.value === undefined
        ? 'missing required field'
        : `expected ${describe(first.schema)}, got ${typeName(first.value)}`;
  throw invalidAt(endpoint, path, problem);
}

export function invalidAt(endpoint: string, path: string, problem: string): CursorError {
  return new CursorError(`invalid response at ${path}: ${problem}`, { kind: 'invalid-response', endpoint, path });
}

/** Human description of what a schema accepts, e.g. "string matching /^[0-9]+$/ or number". */
function describe(schema: TSchema): string {
  switch (schema[Kind]) {
    case 'Union':
      return (schema.anyOf as TSchema[]).map(describe).join(' or ');
    case 'String':
      return schema.pattern ? `string matching /${schema.pattern}/` : 'string';
    case 'Number':
    case 'Integer':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Null':
      return 'null';
    case 'Array':
      return 'array';
    default:
      return 'object';
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
