/**
 * Errors the read and management layers throw for bad input; the API maps them to 400/404.
 * Kept free of Fastify (and in domain/, which every layer may import) so groups/ and queries/ stay
 * plain functions over the store.
 */
export class BadInput extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly rows?: { row: number; reason: string }[],
  ) {
    super(`${field}: ${reason}`);
  }
}

export class NotFound extends Error {
  constructor(
    readonly what: 'user' | 'group' | 'incident',
    readonly id: string,
  ) {
    super(`unknown ${what} '${id}'`);
  }
}
