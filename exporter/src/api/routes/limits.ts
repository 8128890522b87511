/** Per-client limit for mutations (@fastify/rate-limit route config); reads are cached and cheap, so only writes are limited. */
export interface MutationLimit {
  max: number;
  timeWindow: string | number;
}

export const DEFAULT_MUTATION_LIMIT: MutationLimit = { max: 60, timeWindow: '1 minute' };
