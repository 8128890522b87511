/**
 * Load generator for bench/load, in its own process so it does not share the server's event loop.
 * Open loop at fixed rates (a slow answer does not slow the next request): /metrics `scrapesPerS`
 * times a second, dashboard queries `queriesPerS` times a second, for `seconds`. argv[2] is JSON
 * {url, apiToken, metricsToken, scrapesPerS, queriesPerS, seconds, paths}; prints JSON per kind:
 * every latency with its path, and every status that was not 200 (network errors as 0).
 */
interface Spec {
  url: string;
  apiToken: string;
  metricsToken: string;
  scrapesPerS: number;
  queriesPerS: number;
  seconds: number;
  paths: string[];
}

interface Tally {
  latencies_ms: number[];
  paths: string[]; // the path of each latency
  failures: number[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as Spec;
  const scrapes: Tally = { latencies_ms: [], paths: [], failures: [] };
  const queries: Tally = { latencies_ms: [], paths: [], failures: [] };
  const inflight: Promise<void>[] = [];
  const hit = (tally: Tally, path: string, token: string) => {
    const t0 = performance.now();
    inflight.push(
      fetch(spec.url + path, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } })
        .then(async (res) => {
          await res.arrayBuffer();
          tally.latencies_ms.push(performance.now() - t0);
          tally.paths.push(path);
          if (res.status !== 200) tally.failures.push(res.status);
        })
        .catch(() => void tally.failures.push(0)),
    );
  };
  // Requests are due by the clock, not by timer ticks: a tick this process gets late (the machine's two
  // cores are shared with the server and the simulator) sends what fell due meanwhile, so every run
  // sends seconds × rate of each.
  let sentScrapes = 0;
  let sentQueries = 0;
  const t0 = performance.now();
  const sendDue = () => {
    const s = Math.min(performance.now() - t0, spec.seconds * 1000) / 1000;
    for (; sentScrapes < Math.floor(s * spec.scrapesPerS); sentScrapes++) hit(scrapes, '/metrics', spec.metricsToken);
    for (; sentQueries < Math.floor(s * spec.queriesPerS); sentQueries++)
      hit(queries, spec.paths[sentQueries % spec.paths.length], spec.apiToken);
  };
  const timer = setInterval(sendDue, 10);
  await new Promise((r) => setTimeout(r, spec.seconds * 1000));
  clearInterval(timer);
  sendDue();
  await Promise.all(inflight);
  process.stdout.write(JSON.stringify({ scrapes, queries }));
}

void main();

export {};
