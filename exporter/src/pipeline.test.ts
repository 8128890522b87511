import type { Collector, RunResult } from './collect/runner';
import { Pipeline } from './pipeline';

const result = { id: 1, status: 'ok' } as RunResult;
const collector: Collector = { running: false, run: async () => result, stop: async () => undefined };

describe('Pipeline', () => {
  it('runs every hook after the collection, isolating a failing one', async () => {
    const order: string[] = [];
    const p = new Pipeline(collector, undefined, [
      {
        name: 'detect',
        run: () => {
          order.push('detect');
          throw new Error('detector broke');
        },
      },
      {
        name: 'metrics',
        run: async (r) => {
          order.push(`metrics:${r.id}`);
        },
      },
    ]);
    expect(p.cyclesCompleted).toBe(0);
    const cycle = await p.runCycle();
    expect(order).toEqual(['detect', 'metrics:1']);
    expect(cycle.hooks).toEqual([
      { name: 'detect', ok: false, error: 'detector broke' },
      { name: 'metrics', ok: true },
    ]);
    expect(p.cyclesCompleted).toBe(1);
  });

  it('does not count a cycle whose collection could not start', async () => {
    const busy = new Pipeline(
      {
        ...collector,
        run: async () => {
          throw new Error('busy');
        },
      },
      undefined,
      [],
    );
    await expect(busy.runCycle()).rejects.toThrow('busy');
    expect(busy.cyclesCompleted).toBe(0);
  });

  it('starts no hook once shutdown aborts: a collection that commits during shutdown does not start a detection pass', async () => {
    let finishCollection: (r: RunResult) => void = () => undefined;
    const slow: Collector = { ...collector, run: () => new Promise((resolve) => (finishCollection = resolve)) };
    const ran: string[] = [];
    const shutdown = new AbortController();
    const p = new Pipeline(
      slow,
      undefined,
      [
        { name: 'detection', run: () => void ran.push('detection') },
        { name: 'metrics', run: () => void ran.push('metrics') },
      ],
      shutdown.signal,
    );
    const cycle = p.runCycle();
    shutdown.abort();
    finishCollection(result);
    expect((await cycle).hooks).toEqual([
      { name: 'detection', ok: false, error: 'skipped: the exporter is shutting down' },
      { name: 'metrics', ok: false, error: 'skipped: the exporter is shutting down' },
    ]);
    expect(ran).toEqual([]);
  });
});
