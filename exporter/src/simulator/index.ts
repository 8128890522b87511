/** The Cursor API simulator: a deterministic synthetic team served with Cursor's newest API shapes. */
export { createSimulation, type Simulation } from './simulation';
export { startSimulator } from './server';
export type { GroundTruthEntry } from './scenarios';
