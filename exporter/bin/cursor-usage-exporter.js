#!/usr/bin/env node
// The installed command. npm links it at install time, before `npm run build` has written dist/,
// so the link points here (committed, executable) rather than at a file that does not exist yet.
'use strict';
let cli;
try {
  cli = require('../dist/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    process.stderr.write('cursor-usage-exporter is not built yet: run `npm run build` at the repository root.\n');
    process.exit(1);
  }
  throw err;
}
cli.runCli(process.argv);
