/**
 * The shipped Prometheus rules (alerting-rules/rules) and scrape config (provisioning/prometheus):
 * promtool lints them and runs their unit tests, and the rules follow the house style — every alert
 * has a firing test and a quiet test (promtool passes an alert with no expectations vacuously), a
 * runbook section, the mixin annotations, and every detector verdict has an alert.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { DETECTOR_IDS } from '../exporter/src/detect/types';
import { binaryAvailable, PROMTOOL_BIN } from './helpers/prometheus';
import {
  listYaml,
  loadRules,
  renderPrometheusConfig,
  RULE_TESTS_DIR,
  RULES_DIR,
  runTool,
  RUNBOOK,
} from './helpers/alerting';

const rules = loadRules();
const alerts = rules.filter((r) => r.alert);
const records = rules.filter((r) => r.record);
const SEVERITIES = ['critical', 'warning', 'info'];
/** Dashboards an alert may link to (the contract's UIDs). */
const DASHBOARD_UIDS = ['cursor-overview', 'cursor-insights', 'cursor-user', 'cursor-anomalies', 'cursor-exporter'];

interface PromtoolTest {
  name: string;
  alert_rule_test?: {
    alertname: string;
    eval_time: string;
    exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
  }[];
  promql_expr_test?: { expr: string }[];
}
const unitTests: PromtoolTest[] = listYaml(RULE_TESTS_DIR).flatMap(
  (f) => (YAML.parse(fs.readFileSync(f, 'utf8')) as { tests: PromtoolTest[] }).tests,
);
const alertCases = unitTests.flatMap((t) => t.alert_rule_test ?? []);

describe('alert rules: style', () => {
  it('ships alerts and recording rules', () => {
    expect(alerts.length).toBeGreaterThan(20);
    expect(records.length).toBeGreaterThan(3);
  });

  it.each(alerts.map((a) => [a.alert as string, a] as const))('%s follows the mixin conventions', (name, a) => {
    expect(name).toMatch(/^Cursor[A-Z][A-Za-z0-9]+$/);
    expect(a.for).toMatch(/^\d+[smh]$/); // explicit, even when 0m
    const ann = a.annotations ?? {};
    expect(Object.keys(ann)).toEqual(
      expect.arrayContaining(['summary', 'description', 'runbook_url', 'dashboard_url']),
    );
    expect(ann.summary).not.toContain('{{');
    expect(ann.summary).toMatch(/\.$/);
    // Templated, except where the expression has no labels to name (absent(), the watchdog's vector(1)).
    if (!/^(absent|vector)\(/.test(a.expr)) expect(ann.description).toContain('{{');
    expect(ann.runbook_url).toBe(`alerting-rules/runbook.md#${name.toLowerCase()}`);
    for (const uid of ann.dashboard_url.match(/\/d\/[a-z-]+/g) ?? ['(none)'])
      expect(DASHBOARD_UIDS).toContain(uid.slice(3));
    // Severity: a static label, or the exporter's verdict carried by cursor_anomaly_value.
    if (a.labels?.severity) expect(SEVERITIES).toContain(a.labels.severity);
    else expect(a.expr).toMatch(/^cursor_anomaly_value\{detector="[a-z_]+"(,severity="(critical|warning|info)")?\}$/);
  });

  it('has a runbook section for every alert and none for alerts that do not exist', () => {
    const headings = [...fs.readFileSync(RUNBOOK, 'utf8').matchAll(/^### (Cursor\w+)$/gm)].map((m) => m[1]);
    expect(headings.sort()).toEqual(alerts.map((a) => a.alert).sort());
  });

  it('has an alert for every detector verdict', () => {
    const covered = new Set(alerts.flatMap((a) => [...a.expr.matchAll(/detector="([a-z_]+)"/g)].map((m) => m[1])));
    for (const id of DETECTOR_IDS) expect([id, covered.has(id)]).toEqual([id, true]);
  });

  it('links to dashboards that exist, with variables they define', () => {
    const generated = path.join(RULES_DIR, '..', '..', 'dashboards', 'generated');
    if (!fs.existsSync(generated)) return; // dashboards not generated yet
    for (const a of alerts) {
      for (const [, uid, query] of a.annotations?.dashboard_url.matchAll(/\/d\/([a-z-]+)\/[a-z-]+(\?[^{]*)?/g) ?? []) {
        const file = path.join(generated, `${uid}.json`);
        const vars =
          (
            JSON.parse(fs.readFileSync(file, 'utf8')) as { templating?: { list?: { name: string }[] } }
          ).templating?.list?.map((v) => v.name) ?? [];
        for (const [, name] of (query ?? '').matchAll(/var-(\w+)=/g))
          expect([a.alert, uid, name, vars.includes(name)]).toEqual([a.alert, uid, name, true]);
      }
    }
  });

  it('names recording rules level:metric:operation', () => {
    for (const r of records) expect(r.record).toMatch(/^[a-z_]+:cursor_[a-z_]+:[a-z0-9_]+$/);
  });
});

describe('alert rules: unit test coverage', () => {
  it.each(alerts.map((a) => [a.alert as string] as const))(
    '%s has a firing test with every annotation and a quiet test',
    (name) => {
      const mine = alertCases.filter((c) => c.alertname === name);
      const firing = mine.filter((c) => (c.exp_alerts ?? []).length > 0);
      expect(firing.length).toBeGreaterThan(0);
      const severities = firing.flatMap((c) => (c.exp_alerts ?? []).map((e) => e.exp_labels?.severity));
      for (const s of severities) expect(SEVERITIES).toContain(s);
      const annotated = firing
        .flatMap((c) => c.exp_alerts ?? [])
        .filter((e) => e.exp_annotations?.description && e.exp_annotations.runbook_url);
      expect(annotated.length).toBeGreaterThan(0);
      // The watchdog is the one alert that must never be quiet.
      if (name !== 'CursorWatchdog') expect(mine.some((c) => (c.exp_alerts ?? []).length === 0)).toBe(true);
    },
  );

  it('tests every recording rule', () => {
    const exprs = unitTests.flatMap((t) => t.promql_expr_test ?? []).map((t) => t.expr);
    for (const r of records)
      expect([r.record, exprs.some((e) => e.includes(r.record as string))]).toEqual([r.record, true]);
  });
});

const promtool = binaryAvailable(PROMTOOL_BIN) ? describe : describe.skip;

promtool('alert rules: promtool', () => {
  it('lints every rule file (promtool check rules --lint=all --lint-fatal)', async () => {
    const r = await runTool(PROMTOOL_BIN, ['check', 'rules', '--lint=all', '--lint-fatal', ...listYaml(RULES_DIR)]);
    expect({ code: r.code, err: r.stderr }).toEqual({ code: 0, err: '' });
    expect(r.stdout).toContain(
      `SUCCESS: ${alerts.filter((a) => a.file.endsWith('cursor-alerts.yml')).length} rules found`,
    );
  });

  // promtool evaluates the tests' simulated days at their intervals: ~25 s on a slow machine (health-test.yml
  // ~20 of it), past jest's 30 s default when other suites share the two cores.
  it('passes every unit test (promtool test rules)', async () => {
    const r = await runTool(PROMTOOL_BIN, ['test', 'rules', ...listYaml(RULE_TESTS_DIR)], RULE_TESTS_DIR);
    expect({ code: r.code, out: r.stdout + r.stderr }).toEqual({ code: 0, out: expect.not.stringContaining('FAILED') });
  }, 120_000);

  it('fails a unit test whose expectation is wrong (the tests can fail)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-neg-'));
    try {
      const text = fs
        .readFileSync(path.join(RULE_TESTS_DIR, 'anomalies-test.yml'), 'utf8')
        .replace('on claude-4-opus-max.', 'on gpt-5.');
      fs.writeFileSync(
        path.join(dir, 'anomalies-test.yml'),
        text.replace('../rules/cursor-alerts.yml', path.join(RULES_DIR, 'cursor-alerts.yml')),
      );
      const r = await runTool(PROMTOOL_BIN, ['test', 'rules', 'anomalies-test.yml'], dir);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain('CursorUserCostPerRequestSpike');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the shipped prometheus.yml with the rule files it loads in compose (promtool check config)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prom-config-'));
    try {
      const shipped = YAML.parse(
        fs.readFileSync(path.join(RULES_DIR, '..', '..', 'provisioning', 'prometheus', 'prometheus.yml'), 'utf8'),
      );
      expect(shipped.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
      expect(
        shipped.scrape_configs.find((s: { job_name: string }) => s.job_name === 'cursor-exporter').static_configs[0]
          .targets,
      ).toEqual(['exporter:9464']);
      fs.writeFileSync(
        path.join(dir, 'prometheus.yml'),
        renderPrometheusConfig({ exporter: '127.0.0.1:1', alertmanager: '127.0.0.1:2', prometheus: '127.0.0.1:3' }),
      );
      const r = await runTool(PROMTOOL_BIN, ['check', 'config', path.join(dir, 'prometheus.yml')]);
      expect({ code: r.code, err: r.stderr }).toEqual({ code: 0, err: '' });
      expect(r.stdout).toContain(`SUCCESS: ${listYaml(RULES_DIR).length} rule files found`);
      for (const f of listYaml(RULES_DIR)) expect(r.stdout).toContain(f);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses the job name the exporter alerts expect', () => {
    const jobs = YAML.parse(
      fs.readFileSync(path.join(RULES_DIR, '..', '..', 'provisioning', 'prometheus', 'prometheus.yml'), 'utf8'),
    ).scrape_configs.map((s: { job_name: string }) => s.job_name);
    for (const a of alerts) for (const m of a.expr.matchAll(/job="([^"]+)"/g)) expect(jobs).toContain(m[1]);
  });
});
