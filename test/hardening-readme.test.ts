/**
 * README drift: the configuration table is exactly what config/schema.ts generates (descriptions,
 * token length rules included), and the JSON API example uses the unit the API really sends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EnvSchema, ENV_VARS } from '../exporter/src/config';
import { col } from '../exporter/src/queries/frame';

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

describe('README matches the code', () => {
  it('has the generated configuration row of every variable, word for word', () => {
    const rows = readme.split('\n');
    for (const v of ENV_VARS) {
      const expected = `| \`${v.name}\` | ${v.default === undefined ? '—' : `\`${v.default}\``} | ${v.description}${v.secret ? ' *(secret: never logged)*' : ''} |`;
      expect(rows.find((l) => l.startsWith(`| \`${v.name}\` |`))).toBe(expected);
    }
  });

  it('states the minimum length of every token the schema enforces', () => {
    for (const [name, schema] of Object.entries(EnvSchema.properties)) {
      const min = (schema as { minLength?: number }).minLength;
      if (!name.endsWith('_TOKEN') || min === undefined) continue;
      expect({
        name,
        documented: ENV_VARS.find((v) => v.name === name)?.description.includes(`at least ${min} characters`),
      }).toEqual({ name, documented: true });
    }
  });

  it('shows money columns with the unit the API sends', () => {
    const example = /\{ "columns": \[.*"unit": "([^"]+)" \}\]/.exec(readme);
    expect(example?.[1]).toBe(col.usd('x').unit);
  });
});
