// Lints with ESLint's Node API and the repository's eslint.config.mjs, and prints the messages as JSON.
// Input on stdin: { files: string[], texts: { filePath, code }[] }, paths relative to the repository root.
// A child process, because jest's module sandbox cannot import() the ESM config.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { files = [], texts = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const eslint = new ESLint({ cwd: root });
const results = files.length ? await eslint.lintFiles(files) : [];
for (const { filePath, code } of texts) results.push(...(await eslint.lintText(code, { filePath, warnIgnored: true })));

const out = results.map((r) => ({
  filePath: path.relative(root, r.filePath),
  messages: r.messages.map(({ ruleId, message, line, severity }) => ({ ruleId, message, line, severity })),
}));
process.stdout.write(JSON.stringify(out));
