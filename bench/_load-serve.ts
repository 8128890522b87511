/**
 * The measured side of bench/load: the exporter's `serve` in a process of its own, compiled to
 * JavaScript as it ships (see _compiled.ts), so the RSS sampled is the service's alone — under tsx
 * the loader's thread and transformed sources added ~40 MB. Forked with an IPC channel: argv[2] is
 * the environment (JSON); it sends {url} once listening, then process.memoryUsage() every second;
 * on the message 'stop' it sends the collection's state, how long its event loop was held and
 * the CPU time it used, and closes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serve } from '../exporter/src/server';

async function main(): Promise<void> {
  const send = (m: unknown) => (process.send as (m: unknown) => boolean)(m);
  const handle = await serve({ env: JSON.parse(process.argv[2]) as NodeJS.ProcessEnv });
  send({ url: handle.url });
  const cpu0 = process.cpuUsage();
  const sampler = setInterval(() => send({ memory: process.memoryUsage() }), 1000);
  // How long the event loop was held at once (a synchronous step holds every request behind it).
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  process.once('message', async () => {
    clearInterval(sampler);
    stalls.disable();
    const db = handle.store.db;
    const cpu = process.cpuUsage(cpu0);
    send({
      stallP99Ms: Math.round(stalls.percentile(99) / 1e6),
      stallMaxMs: Math.round(stalls.max / 1e6),
      // CPU time of every thread of the process while the load ran (the workers' included).
      cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      collecting: handle.collector.running,
      runs: db.prepare('SELECT COUNT(*) FROM collection_runs').pluck().get(),
      events: db.prepare('SELECT COUNT(*) FROM usage_events').pluck().get(),
    });
    await handle.close();
    process.disconnect();
  });
}

void main();
