import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Store } from '../store';

export const LEASE_KEY = 'collector_lease';
/** Long enough for a slow rate-limited window; the runner renews it after every commit. */
export const LEASE_TTL_MS = 15 * 60_000;

interface LeaseValue {
  owner: string;
  host: string;
  pid: number;
  expiresMs: number;
}

export class CollectorBusyError extends Error {
  constructor(detail: string) {
    super(`another collection is already running (${detail})`);
    this.name = 'CollectorBusyError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lease row in meta so two processes sharing a database never collect at once. It expires after
 * LEASE_TTL_MS without renewal, and a lease held by a dead process on this host (kill -9) is taken
 * over at once, so a crash never blocks the next run. Wall-clock time on purpose: it is about
 * processes, not about the data's clock.
 */
export class CollectorLease {
  private readonly owner = randomUUID();

  constructor(
    private readonly store: Pick<Store, 'meta' | 'transaction'>,
    private readonly wallClock: () => number = Date.now,
  ) {}

  acquire(): void {
    this.store.transaction(() => {
      const raw = this.store.meta.get(LEASE_KEY);
      if (raw) {
        const held = JSON.parse(raw) as LeaseValue;
        const stale = held.expiresMs <= this.wallClock() || (held.host === os.hostname() && !processAlive(held.pid));
        if (held.owner !== this.owner && !stale) throw new CollectorBusyError(`pid ${held.pid} on ${held.host}`);
      }
      this.write();
    });
  }

  renew(): void {
    this.write();
  }

  release(): void {
    this.store.transaction(() => {
      const raw = this.store.meta.get(LEASE_KEY);
      if (raw && (JSON.parse(raw) as LeaseValue).owner === this.owner) this.store.meta.delete(LEASE_KEY);
    });
  }

  private write(): void {
    const value: LeaseValue = {
      owner: this.owner,
      host: os.hostname(),
      pid: process.pid,
      expiresMs: this.wallClock() + LEASE_TTL_MS,
    };
    this.store.meta.set(LEASE_KEY, JSON.stringify(value), this.wallClock());
  }
}
