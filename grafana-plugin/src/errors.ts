/**
 * Failed requests as one sentence for the panel or "Save & test": the exporter's own message when
 * it sent one (4xx/5xx bodies are { statusCode, error, message, field? }), otherwise what Grafana's
 * data proxy says (502 = could not connect, 504 = timed out), never a stack trace.
 */
import { isFetchError } from '@grafana/runtime';

export type Failure = 'auth' | 'unreachable' | 'timeout' | 'input' | 'server' | 'other';

export interface ExplainedError {
  kind: Failure;
  status?: number;
  message: string;
}

function exporterMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') {
    return (data as { message: string }).message;
  }
  return typeof data === 'string' && data.trim() !== '' ? data.trim().slice(0, 300) : undefined;
}

export function explainError(err: unknown): ExplainedError {
  if (isFetchError(err)) {
    const status = err.status;
    const said = exporterMessage(err.data);
    if (status === 401 || status === 403) {
      return {
        kind: 'auth',
        status,
        message: `the exporter rejected the API token (${status}${said ? `: ${said}` : ''}); check the token in the data source settings`,
      };
    }
    if (status === 504 || status === 408) {
      return {
        kind: 'timeout',
        status,
        message: `the exporter did not answer in time (${status} ${err.statusText ?? 'Gateway Timeout'})`,
      };
    }
    if ((status === 502 || status <= 0) && !said) {
      return {
        kind: 'unreachable',
        status,
        message: `cannot reach the exporter (${status > 0 ? `${status} ${err.statusText ?? 'Bad Gateway'}` : 'network error'}); check the exporter URL and that it is running`,
      };
    }
    if (status >= 400 && status < 500) {
      return { kind: 'input', status, message: `exporter: ${said ?? err.statusText ?? 'bad request'} (${status})` };
    }
    return { kind: 'server', status, message: `exporter error ${status}: ${said ?? err.statusText ?? 'no message'}` };
  }
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}
