/**
 * The two Grafana services a frontend datasource calls, outside Grafana:
 * - a BackendSrv whose fetch does what Grafana's data proxy does with plugin.json's routes: the
 *   request path after the proxy URL is matched against a route `path`, that prefix is replaced by
 *   the route's templated `url`, the route's headers are added from jsonData/secureJsonData, and the
 *   real HTTP request is made. A failed connection answers 502 and a timeout 504 with empty bodies,
 *   as Grafana's proxy does; any non-2xx rejects with a FetchError like backendSrv's.
 * - a TemplateSrv that replaces $var, ${var}, ${var:format} and [[var]] with the variables' current
 *   values ("All" = every option, as Grafana does) and calls format functions the way scenes does.
 */
import http from 'node:http';
import { Observable } from 'rxjs';
import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse, TemplateSrv } from '@grafana/runtime';
import pluginJson from '../src/plugin.json';

export const PROXY_URL = '/api/datasources/proxy/uid/cursor-usage';

export interface ProxySettings {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
  timeoutMs?: number;
}

interface Route {
  path: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

function template(text: string, s: ProxySettings): string {
  return text.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_m, scope: string, key: string) =>
    String((scope === 'JsonData' ? s.jsonData : s.secureJsonData)[key] ?? '')
  );
}

/** Where Grafana's proxy would send a request, with which headers (throws when no route matches, like its 404). */
export function routeRequest(url: string, s: ProxySettings): { target: string; headers: Record<string, string> } {
  if (!url.startsWith(`${PROXY_URL}/`)) {
    throw new Error(`not a data-proxy URL: ${url}`);
  }
  const rest = url.slice(PROXY_URL.length + 1);
  const route = (pluginJson.routes as Route[]).find((r) => rest === r.path || rest.startsWith(`${r.path}/`));
  if (!route) {
    throw new Error(`no plugin.json route matches ${rest}`);
  }
  const headers = Object.fromEntries((route.headers ?? []).map((h) => [h.name, template(h.content, s)]));
  return { target: template(route.url, s) + rest.slice(route.path.length), headers };
}

function httpGet(
  target: string,
  headers: Record<string, string>,
  timeoutMs: number
): Promise<{ status: number; statusText: string; body: string; error?: 'connect' | 'timeout' }> {
  return new Promise((resolve) => {
    const req = http.get(target, { headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 504, statusText: 'Gateway Timeout', body: '', error: 'timeout' });
    });
    req.on('error', () => resolve({ status: 502, statusText: 'Bad Gateway', body: '', error: 'connect' }));
  });
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Every request the fake saw: what the browser side sent (it must never carry a token). */
export interface SeenRequest {
  url: string;
  headers: Record<string, unknown>;
  target: string;
}

export function proxyBackendSrv(settings: ProxySettings, seen: SeenRequest[] = []): BackendSrv {
  const fetch = <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const qs = new URLSearchParams(Object.entries(options.params ?? {}).map(([k, v]) => [k, String(v)])).toString();
      const { target, headers } = routeRequest(options.url, settings);
      const full = qs ? `${target}?${qs}` : target;
      seen.push({ url: options.url, headers: { ...(options.headers ?? {}) }, target: full });
      httpGet(full, headers, settings.timeoutMs ?? 10_000).then((r) => {
        const data = parse(r.body) as T;
        if (r.status >= 200 && r.status < 300) {
          subscriber.next({
            data,
            status: r.status,
            statusText: r.statusText,
            ok: true,
            headers: {} as unknown as Headers,
            redirected: false,
            type: 'basic',
            url: options.url,
            config: options,
          });
          subscriber.complete();
        } else {
          const err: FetchError = { status: r.status, statusText: r.statusText, data, config: options };
          subscriber.error(err);
        }
      });
    });
  return { fetch } as unknown as BackendSrv;
}

/** A dashboard variable as Grafana's legacy model describes it (what getVariables() returns). */
export function variable(
  name: string,
  options: Array<{ text: string; value: string }>,
  current: string | string[],
  extra: { multi?: boolean; includeAll?: boolean } = {}
): TypedVariableModel {
  const values = Array.isArray(current) ? current : [current];
  return {
    name,
    type: 'query',
    multi: extra.multi ?? false,
    includeAll: extra.includeAll ?? true,
    options: options.map((o) => ({ ...o, selected: values.includes(o.value) })),
    current: {
      value: current,
      text: values.map((v) => (v === '$__all' ? 'All' : (options.find((o) => o.value === v)?.text ?? v))),
    },
  } as unknown as TypedVariableModel;
}

const VAR = /\$(\w+)|\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]/g;

export class FakeTemplateSrv implements TemplateSrv {
  constructor(public variables: TypedVariableModel[] = []) {}

  getVariables(): TypedVariableModel[] {
    return this.variables;
  }

  containsTemplate(target?: string): boolean {
    return Boolean(
      target && target.match(VAR)?.some((m) => this.find(m.replace(/[${}[\]]/g, '').split(':')[0]) !== undefined)
    );
  }

  updateTimeRange(): void {}

  private find(name: string) {
    return this.variables.find((v) => v.name === name) as unknown as
      | {
          name: string;
          type: string;
          multi: boolean;
          includeAll: boolean;
          options: Array<{ value: string }>;
          current: { value: string | string[] };
        }
      | undefined;
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | Function): string {
    if (!target) {
      return target ?? '';
    }
    return target.replace(VAR, (match, a?: string, b?: string, fmt?: string, c?: string) => {
      const name = (a ?? b ?? c)!;
      const scoped = scopedVars?.[name];
      const v = this.find(name);
      let value: string | string[];
      if (scoped) {
        value = scoped.value as string | string[];
      } else if (v) {
        const current = v.current.value;
        const all = current === '$__all' || (Array.isArray(current) && current.includes('$__all'));
        value = all ? v.options.map((o) => o.value).filter((x) => x !== '$__all') : current;
      } else {
        return match;
      }
      const f = fmt ?? format;
      if (typeof f === 'function') {
        // scenes passes a summary of the variable, not its current value
        return f(value, v ? { name: v.name, type: v.type, multi: v.multi, includeAll: v.includeAll } : undefined);
      }
      const list = Array.isArray(value) ? value : [value];
      if (f === 'pipe') {
        return list.join('|');
      }
      if (f === 'json') {
        return JSON.stringify(value);
      }
      return list.length > 1 ? `{${list.join(',')}}` : list.join(',');
    });
  }
}
