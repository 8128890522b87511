/**
 * Loads the BUILT plugin (dist/module.js, an AMD module) the way Grafana does: a global `define`
 * that hands the module the Grafana packages it names as externals.
 */
import * as data from '@grafana/data';
import type { DataSourcePlugin } from '@grafana/data';
import * as runtime from '@grafana/runtime';
import * as ui from '@grafana/ui';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as rxjs from 'rxjs';

const EXTERNALS: Record<string, unknown> = {
  '@grafana/data': data,
  '@grafana/runtime': runtime,
  '@grafana/ui': ui,
  react: React,
  'react-dom': ReactDOM,
  rxjs,
  module: { uri: '/plugin/module.js' },
};

export type AnyPlugin = DataSourcePlugin<any, any, any, any>;

export function loadPlugin(src = '/plugin/module.js'): Promise<AnyPlugin> {
  return new Promise((resolve, reject) => {
    Object.assign(window, {
      define: Object.assign(
        (deps: string[], factory: (...modules: unknown[]) => { plugin: AnyPlugin }) => {
          const missing = deps.filter((d) => !(d in EXTERNALS));
          if (missing.length) {
            reject(new Error(`module.js needs modules Grafana does not provide here: ${missing.join(', ')}`));
            return;
          }
          resolve(factory(...deps.map((d) => EXTERNALS[d])).plugin);
        },
        { amd: true }
      ),
    });
    const script = document.createElement('script');
    script.src = src;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}
