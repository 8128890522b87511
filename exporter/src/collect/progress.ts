import { SingleBar } from 'cli-progress';
import type { BackfillProgress } from './context';

/**
 * Time left for a backfill: the remaining pages at whichever is slower, the pace observed so far
 * or the client's rate limit (a fast start on a burst must not promise a finish the limit forbids).
 */
export function backfillEtaMs(p: BackfillProgress, elapsedMs: number, pagesPerMinute: number): number {
  const remaining = Math.max(0, p.pagesEstimated - p.pagesDone);
  const observed = p.pagesDone > 0 ? elapsedMs / p.pagesDone : 0;
  return Math.round(remaining * Math.max(observed, 60_000 / pagesPerMinute));
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A progress bar on stderr fed by the usage-events step's onProgress. */
export function createBackfillBar(pagesPerMinute: number, stream: NodeJS.WritableStream = process.stderr) {
  const bar = new SingleBar({
    stream,
    format: 'usage events |{bar}| {value}/{total} pages · window {window}/{windows} · {events} events · ETA {eta_rl}',
    hideCursor: true,
    etaBuffer: 50,
  });
  const started = Date.now();
  let shown = false;
  return {
    update(p: BackfillProgress): void {
      const payload = {
        window: p.window,
        windows: p.windows,
        events: p.events,
        eta_rl: formatDuration(backfillEtaMs(p, Date.now() - started, pagesPerMinute)),
      };
      if (!shown) {
        bar.start(p.pagesEstimated, p.pagesDone, payload);
        shown = true;
      }
      bar.setTotal(p.pagesEstimated);
      bar.update(p.pagesDone, payload);
    },
    stop(): void {
      if (shown) bar.stop();
    },
  };
}
