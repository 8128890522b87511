/**
 * The simulator as an HTTP server: createSimulatorServer builds the Fastify app (testable with
 * inject), startSimulator also creates the simulation and listens on 127.0.0.1.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Faults, type FaultOptions, type FaultState } from './faults';
import { DEFAULT_LIMITS, FixedWindowLimiter, type RateLimits } from './limits';
import { badRequest, runPipeline } from './http';
import { SIM_ROUTES } from './routes';
import { hash32, Rng } from '../domain/rng';
import { STREAM } from './streams';
import { createSimulation, type Simulation, type SimulationOptions } from './simulation';

export interface SimulatorServerOptions {
  /** Accepted API keys; default ['key_sim_admin']. */
  keys?: string[];
  /** The clock (epoch ms); tests move time to release late events. Default Date.now. */
  now?: () => number;
  limits?: Partial<RateLimits>;
  faults?: Partial<FaultOptions>;
  /** Fastify logger option; default off. */
  logger?: boolean | Record<string, unknown>;
}

export type SimulatorServer = FastifyInstance & {
  readonly sim: Simulation;
  /** Current fault knobs (read them; change them with setFaults). */
  readonly faults: Readonly<FaultState>;
  setFaults(f: Partial<FaultOptions>): void;
  /** Forget every rate-limit window (tests that need a fresh minute). */
  resetRateLimits(): void;
};

export const DEFAULT_SIMULATOR_KEY = 'key_sim_admin';

export function createSimulatorServer(sim: Simulation, opts: SimulatorServerOptions = {}): SimulatorServer {
  const now = opts.now ?? Date.now;
  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  // A 429 storm lasts in wall time: clients wait out its Retry-After for real, while tests may hold
  // the simulated clock still (it only decides which events exist).
  const faults = new Faults(new Rng(hash32(sim.seed, STREAM.faults)), Date.now);
  if (opts.faults) faults.set(opts.faults);
  const limiter = new FixedWindowLimiter(now);
  const ctx = {
    keys: new Set(opts.keys ?? [DEFAULT_SIMULATOR_KEY]),
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    limiter,
    faults,
  };

  // Cursor clients may POST with an empty body; bad JSON is a 400 in the documented error shape.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    const s = String(text).trim();
    if (s === '') return done(null, {});
    try {
      done(null, JSON.parse(s));
    } catch {
      done(badRequest('Request body is not valid JSON'), undefined);
    }
  });
  app.setErrorHandler((err: Error & { status?: number; statusCode?: number; error?: string }, _req, reply) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500)
      return reply.code(500).send({ error: 'Internal Server Error', message: 'An unexpected error occurred' });
    return reply.code(status).send({ error: err.error ?? 'Bad Request', message: err.message });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'Not Found', message: 'Resource not found' }));

  for (const r of SIM_ROUTES) {
    app.route({
      method: r.method,
      url: r.url,
      handler: (req, reply) =>
        runPipeline(ctx, req, reply, r.kind, r.limitKey?.(req) ?? r.url, () => r.build(req, sim, now())),
    });
  }

  return Object.assign(app, {
    sim,
    faults: faults.state,
    setFaults: (f: Partial<FaultOptions>) => faults.set(f),
    resetRateLimits: () => limiter.reset(),
  });
}

/** What `cursor-usage-exporter simulator` and demo mode pass. */
export interface StartSimulatorOptions extends Partial<SimulationOptions>, SimulatorServerOptions {
  users?: number; // default 60
  seed?: number; // default 1
  port?: number; // default 0 (a free port)
  host?: string; // default 127.0.0.1
}

export interface RunningSimulator {
  url: string;
  sim: Simulation;
  server: SimulatorServer;
  close(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = createSimulation({
    seed: opts.seed ?? 1,
    users: opts.users ?? 60,
    historyDays: opts.historyDays,
    endDay: opts.endDay,
    scenario: opts.scenario,
    lateMaxMs: opts.lateMaxMs,
    retentionDays: opts.retentionDays,
  });
  const server = createSimulatorServer(sim, opts);
  const host = opts.host ?? '127.0.0.1';
  await server.listen({ port: opts.port ?? 0, host });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, sim, server, close: () => server.close() };
}
