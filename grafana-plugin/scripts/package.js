/**
 * The distributable archive Grafana installs from: dist/ laid out as `<plugin id>/...`, written to
 * artifacts/<id>-<version>.zip (what `grafana cli --pluginUrl` and the plugin catalog expect).
 */
const path = require('node:path');
const fs = require('node:fs');
const AdmZip = require('adm-zip');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const plugin = JSON.parse(fs.readFileSync(path.join(dist, 'plugin.json'), 'utf8'));
if (!plugin.id || !plugin.info || !plugin.info.version || plugin.info.version.includes('%')) {
  throw new Error(
    `dist/plugin.json has no real id/version (${plugin.id}@${plugin.info && plugin.info.version}): run webpack first`
  );
}
const out = path.join(root, 'artifacts', `${plugin.id}-${plugin.info.version}.zip`);
fs.mkdirSync(path.dirname(out), { recursive: true });
const zip = new AdmZip();
zip.addLocalFolder(dist, plugin.id);
zip.writeZip(out);
process.stdout.write(`${path.relative(process.cwd(), out)}: ${zip.getEntries().length} files\n`);
