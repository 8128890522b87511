/**
 * The shipped alerting artefacts (alerting-rules/, provisioning/prometheus/) as tests see them: paths,
 * parsed rules, promtool/amtool runs, and the shipped configs rendered for a loopback stack (targets,
 * URLs and secret files rewritten, nothing else).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ExecResult } from './prometheus';

export const ROOT = path.join(__dirname, '..', '..');
export const ALERTING = path.join(ROOT, 'alerting-rules');
export const RULES_DIR = path.join(ALERTING, 'rules');
export const RULE_TESTS_DIR = path.join(ALERTING, 'tests');
export const RUNBOOK = path.join(ALERTING, 'runbook.md');
export const ALERTMANAGER_DIR = path.join(ALERTING, 'alertmanager');
export const ALERTMANAGER_CONFIG = path.join(ALERTMANAGER_DIR, 'alertmanager.yml');
export const ALERTMANAGER_TEMPLATES = path.join(ALERTMANAGER_DIR, 'templates');
export const PROMETHEUS_CONFIG = path.join(ROOT, 'provisioning', 'prometheus', 'prometheus.yml');
export const AMTOOL_BIN = process.env.AMTOOL_BIN ?? '/usr/bin/amtool';

export const listYaml = (dir: string, suffix = '.yml'): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(dir, f));

/** Runs a tool and resolves with its exit code and output (a non-zero exit is a result, not an error). */
export function runTool(bin: string, args: string[], cwd = ROOT): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Every rule of every shipped rule file, with the file it came from. */
export function loadRules(): (Rule & { file: string; group: string })[] {
  return listYaml(RULES_DIR).flatMap((file) =>
    (YAML.parse(fs.readFileSync(file, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) =>
      g.rules.map((r) => ({ ...r, file, group: g.name })),
    ),
  );
}

export interface Loopback {
  exporter: string; // host:port
  alertmanager: string; // host:port
  prometheus: string; // host:port (its own self-scrape)
}

/**
 * The shipped prometheus.yml for a loopback stack: the compose hostnames become loopback ports, the
 * rule files are read from the repository, and scrapes/evaluations run every second (the one thing
 * that is shorter than in production, so a test takes seconds and not minutes).
 */
export function renderPrometheusConfig(to: Loopback): string {
  const doc = YAML.parseDocument(fs.readFileSync(PROMETHEUS_CONFIG, 'utf8'));
  const cfg = doc.toJS() as {
    global: Record<string, string>;
    rule_files: string[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: {
      job_name: string;
      scrape_interval?: string;
      scrape_timeout?: string;
      static_configs: { targets: string[] }[];
    }[];
  };
  const hosts: Record<string, string> = {
    'exporter:9464': to.exporter,
    'alertmanager:9093': to.alertmanager,
    'localhost:9090': to.prometheus,
  };
  const swap = (t: string) => {
    if (!hosts[t]) throw new Error(`prometheus.yml has a target the loopback stack does not know: ${t}`);
    return hosts[t];
  };
  Object.assign(cfg.global, { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' });
  cfg.rule_files = listYaml(RULES_DIR);
  for (const am of cfg.alerting.alertmanagers) for (const s of am.static_configs) s.targets = s.targets.map(swap);
  for (const sc of cfg.scrape_configs) {
    delete sc.scrape_interval;
    delete sc.scrape_timeout;
    for (const s of sc.static_configs) s.targets = s.targets.map(swap);
  }
  return YAML.stringify(cfg);
}

export interface AlertmanagerEndpoints {
  /** Files holding the secrets the shipped config reads from /run/secrets. */
  secretsDir: string;
  slackUrl: string;
  leadSlackUrl: string;
  pagerdutyUrl: string;
  pagerdutyRoutingKey: string;
  exporterWebhookUrl: string;
  exporterWebhookToken: string;
  /** Short grouping timers for a test (production keeps the shipped ones). */
  fastTimers?: boolean;
}

/**
 * The shipped alertmanager.yml with its secret files pointed at files in `secretsDir` (written here),
 * the templates read from the repository and the exporter's webhook and PagerDuty's Events API on
 * loopback. Routing, grouping, inhibition and templates stay as shipped.
 */
export function renderAlertmanagerConfig(e: AlertmanagerEndpoints): string {
  const secrets: Record<string, string> = {
    slack_webhook_url: e.slackUrl,
    slack_webhook_url_lead_mobile: e.leadSlackUrl,
    pagerduty_routing_key: e.pagerdutyRoutingKey,
    exporter_webhook_token: e.exporterWebhookToken,
  };
  fs.mkdirSync(e.secretsDir, { recursive: true });
  for (const [name, value] of Object.entries(secrets)) fs.writeFileSync(path.join(e.secretsDir, name), value);
  let text = fs.readFileSync(ALERTMANAGER_CONFIG, 'utf8');
  const used = new Set<string>();
  text = text.replace(/\/run\/secrets\/([a-z_]+)/g, (_, name: string) => {
    if (!(name in secrets)) throw new Error(`alertmanager.yml reads a secret the test does not provide: ${name}`);
    used.add(name);
    return path.join(e.secretsDir, name);
  });
  for (const name of Object.keys(secrets))
    if (!used.has(name)) throw new Error(`alertmanager.yml no longer reads /run/secrets/${name}`);
  const cfg = YAML.parse(text) as {
    global: Record<string, unknown>;
    templates: string[];
    route: Record<string, unknown>;
    receivers: { name: string; webhook_configs?: { url: string }[] }[];
  };
  cfg.global.pagerduty_url = e.pagerdutyUrl;
  cfg.templates = [path.join(ALERTMANAGER_TEMPLATES, '*.tmpl')];
  for (const r of cfg.receivers)
    for (const w of r.webhook_configs ?? []) w.url = w.url.replace('http://exporter:9464', e.exporterWebhookUrl);
  if (e.fastTimers) Object.assign(cfg.route, { group_wait: '0s', group_interval: '1s' });
  return YAML.stringify(cfg);
}
