/** The Cursor API simulator: a deterministic synthetic team served with Cursor's newest API shapes. */
export { createSimulation, Simulation, type SimulationOptions, type SimulationExpectations, type CycleSpend, type EventQuery } from './simulation';
export {
  createSimulatorServer, startSimulator, DEFAULT_SIMULATOR_KEY,
  type SimulatorServer, type SimulatorServerOptions, type StartSimulatorOptions, type RunningSimulator,
} from './server';
export type { AnomalyKind, BenignKind, ScenarioKind, ScenarioSpec, GroundTruthEntry } from './scenarios';
export { ANOMALY_KINDS, BENIGN_KINDS } from './scenarios';
export type { FaultOptions, FaultState } from './faults';
export type { RateLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';
export type { TimedEvent } from './events';
export type { SimMember, SimGroup } from './team';
export type * from './shapes';
