import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { BadInput, NotFound } from '../domain/errors';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Names the offending field of a schema violation, e.g. `querystring.from` or `body.emails.3`, with
 * AJV's reason. Used both as the schema error formatter and by the error handler.
 */
export function describeValidation(errors: AjvError[], context: string): { field: string; reason: string } {
  const e = errors[0];
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const prop = (e.params.missingProperty ?? e.params.additionalProperty) as string | undefined;
  const field = [context, path, prop].filter((x) => x !== undefined && x !== '').join('.');
  let reason = e.message ?? e.keyword;
  if (e.keyword === 'additionalProperties') reason = 'is not an accepted field';
  if (e.keyword === 'required') reason = 'is required';
  // A union of literals fails once per literal ('must be equal to constant'), then as anyOf: list them.
  const allowed = allowedValues(errors, e.instancePath);
  if (allowed.length > 0) reason = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (e.keyword === 'anyOf' || e.keyword === 'enum') reason = 'is not one of the accepted values';
  return { field, reason };
}

/** The values an enum or a union of constants at `instancePath` accepts, in schema order. */
function allowedValues(errors: AjvError[], instancePath: string): unknown[] {
  const out: unknown[] = [];
  for (const err of errors) {
    if (err.instancePath !== instancePath) continue;
    if (err.keyword === 'const') out.push(err.params.allowedValue);
    if (err.keyword === 'enum' && Array.isArray(err.params.allowedValues)) out.push(...err.params.allowedValues);
  }
  return [...new Set(out)];
}

/** The standard reason phrase of a status (413 Payload Too Large, 429 Too Many Requests, …). */
const reasonPhrase = (status: number): string => STATUS_CODES[status] ?? 'Error';

/** Maps every error to the API's error shape; 5xx never leak a message or stack. */
export function errorHandler(
  this: unknown,
  err: FastifyError & { validation?: AjvError[]; validationContext?: string },
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  if (err.validation) {
    const { field, reason } = describeValidation(err.validation, err.validationContext ?? 'request');
    void reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `${field} ${reason}`, field });
    return;
  }
  if (err instanceof BadInput) {
    void reply.code(400).send({
      statusCode: 400,
      error: 'Bad Request',
      message: err.message,
      field: err.field,
      ...(err.rows ? { rows: err.rows } : {}),
    });
    return;
  }
  if (err instanceof NotFound) {
    void reply.code(404).send({ statusCode: 404, error: 'Not Found', message: err.message });
    return;
  }
  const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
  if (status >= 500) {
    req.log.error({ err, url: req.url, method: req.method }, 'api request failed');
    void reply
      .code(status)
      .send({ statusCode: status, error: 'Internal Server Error', message: 'internal error (see the exporter log)' });
    return;
  }
  // 4xx from Fastify itself (bad JSON, body too large, unsupported media type, rate limit).
  // A body Fastify could not parse (bad JSON, __proto__, wrong type, too large) is the body's fault.
  const field = err.code?.startsWith('FST_ERR_CTP_') ? { field: 'body' } : {};
  void reply.code(status).send({ statusCode: status, error: reasonPhrase(status), message: err.message, ...field });
}
