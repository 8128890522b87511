/**
 * `npm audit --omit=dev --audit-level=high`: every high or critical advisory against a production
 * dependency must be fixed or listed, with a reason, in hardening-audit.allow.json. The audit needs
 * the registry's advisory endpoint; where it cannot be reached (offline, or a mirror that answers
 * it 405, as on the development machine) the test says so and checks nothing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..');

interface Audit {
  vulnerabilities?: Record<
    string,
    {
      name: string;
      severity: string;
      via: (string | { source?: number; url?: string; title?: string; severity?: string })[];
    }
  >;
  error?: { code?: string; summary?: string };
  message?: string;
  statusCode?: number;
}

function audit(): Promise<Audit> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--audit-level=high', '--json'],
      { cwd: ROOT, maxBuffer: 64 * 2 ** 20 },
      (_err, stdout) => {
        try {
          resolve(JSON.parse(stdout) as Audit);
        } catch {
          resolve({ message: `unparseable npm audit output: ${stdout.slice(0, 200)}` });
        }
      },
    );
  });
}

describe('npm audit of production dependencies', () => {
  it('has no high or critical advisory that is not reviewed in the allow-list', async () => {
    const result = await audit();
    if (result.vulnerabilities === undefined) {
      console.warn(
        `npm audit could not run here (${result.message ?? result.error?.summary ?? 'no report'}); nothing checked`,
      );
      return;
    }
    const allow = (
      JSON.parse(fs.readFileSync(path.join(__dirname, 'hardening-audit.allow.json'), 'utf8')) as {
        accepted: Record<string, string>;
      }
    ).accepted;
    const serious = Object.values(result.vulnerabilities).filter(
      (v) => v.severity === 'high' || v.severity === 'critical',
    );
    const unreviewed = serious.filter((v) => {
      const ids = v.via.flatMap((x) =>
        typeof x === 'string' ? [x] : [x.url?.split('/').pop() ?? '', String(x.source ?? '')],
      );
      return !(v.name in allow) && !ids.some((id) => id in allow);
    });
    expect(unreviewed.map((v) => ({ name: v.name, severity: v.severity, via: v.via }))).toEqual([]);
  });
});
