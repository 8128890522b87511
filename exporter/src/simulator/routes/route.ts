/**
 * One simulated Cursor endpoint: what routes/index.ts lists and server.ts registers. Every route
 * goes through the same request pipeline (http.ts: auth, rate limit, faults); `build` only
 * translates the request into Simulation queries and back.
 */
import type { FastifyRequest } from 'fastify';
import { DAY_MS } from '../../domain/time';
import { badRequest, type Built, type RouteKind } from '../http';
import type { Simulation } from '../simulation';

export interface SimRoute {
  method: 'GET' | 'POST';
  /** Fastify URL pattern. */
  url: string;
  /** Which rate limit applies. */
  kind: RouteKind;
  /** The endpoint the rate limiter counts the request against; the URL pattern unless given. */
  limitKey?: (req: FastifyRequest) => string;
  build(req: FastifyRequest, sim: Simulation, nowMs: number): Built;
}

const MAX_RANGE_MS = 30 * DAY_MS;

export type Body = Record<string, unknown>;

export function bodyOf(req: FastifyRequest): Body {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw badRequest('Request body must be a JSON object');
  return b as Body;
}

export function optInt(b: Body, name: string, min: number): number | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw badRequest(`${name} must be an integer >= ${min}`);
  return v;
}

export function optMs(b: Body, name: string): number | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`${name} must be epoch milliseconds (a number)`);
  return v;
}

export function checkRange(startDate: number, endDate: number): void {
  if (startDate > endDate) throw badRequest('startDate must not be after endDate');
  if (endDate - startDate > MAX_RANGE_MS) throw badRequest('Date range cannot exceed 30 days');
}

export const iso = (ms: number) => new Date(ms).toISOString();
