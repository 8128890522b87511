// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
// Node 20 fix: d3-color and friends ship only .mjs; .config/ lists them for transform but its
// transform key matches only .(t|j)sx?, so the same swc transformer also handles .mjs.
const swc = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  transform: { ...base.transform, '^.+\\.mjs$': swc },
  // Unit tests sit beside the code in src/; tests against the real exporter, the built plugin and a browser in test/.
  testMatch: [...base.testMatch, '<rootDir>/test/**/*.test.{ts,tsx}'],
};
