import { Rng } from '../exporter/src/domain/rng';

/** Deterministic PRNG (the simulator's mulberry32) for the benches' synthetic data: the same seed gives the same numbers on every run. */
export function mulberry32(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
