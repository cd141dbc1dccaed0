/** Three levels: pure rules and clients (unit, with the replay test of test/replay/), workflows on a real Temporal dev server or, with stubbed activities, on the time-skipping test server (workflow), the running service over HTTP (e2e). */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
// ESM-only dependencies, bundled to CommonJS for jest (test/helpers/esm-only/transform.js); the services load them natively.
const ESM_ONLY = ['cookie', 'jose'];
const common = {
  testEnvironment: 'node',
  transform: { ...transform, '/test/helpers/esm-only/[^/]+\\.cjs$': '<rootDir>/test/helpers/esm-only/transform.js' },
  moduleNameMapper: Object.fromEntries(ESM_ONLY.map((n) => [`^${n}$`, `<rootDir>/test/helpers/esm-only/${n}.cjs`])),
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
};
module.exports = {
  projects: [
    // The replay test sits beside its committed histories (test/replay/) and runs with the unit tests.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/replay/**/*.test.ts'] },
    { ...common, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.test.ts'] },
  ],
};
