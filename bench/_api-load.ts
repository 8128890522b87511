/**
 * Load generator for bench/api, run in its own process so the clients do not share the server's
 * event loop. argv[2] is JSON {url, token, connections, amount, paths}; prints JSON
 * {latencies_ms, non2xx, errors}: every response's latency, so percentiles are exact.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<{
  non2xx: number;
  errors: number;
}> & {
  on: (ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void) => void;
};

interface LoadSpec {
  url: string;
  token: string;
  connections: number;
  amount: number;
  paths: string[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const latencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    amount: spec.amount,
    timeout: 60,
    headers: { authorization: `Bearer ${spec.token}` },
    requests: spec.paths.map((path) => ({ method: 'GET', path })),
  });
  instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
  const r = await instance;
  process.stdout.write(JSON.stringify({ latencies_ms: latencies, non2xx: r.non2xx, errors: r.errors }));
}

void main();
