/** One jest config for the whole repo: unit tests sit beside the code, cross-component tests in test/. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/exporter', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/cookie/.+\\.js$': swc },
  // cookie@2 (used by fastify's inject via light-my-request) ships ESM only; compile it to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testTimeout: 30000,
};
