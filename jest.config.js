/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  // Type-checking is `tsc -b`'s job (run by `npm test` first); ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Every entry of our packages, the main one and the light subpath ones (`/read`, `/export`,
  // `/config` …), comes from source: one copy of each module, so shared state is really shared.
  moduleNameMapper: {
    '^@transcriber/([a-z-]+)$': '<rootDir>/packages/$1/src',
    '^@transcriber/([a-z-]+)/([a-zA-Z-]+)$': '<rootDir>/packages/$1/src/$2',
  },
  modulePathIgnorePatterns: ['<rootDir>/packages/[^/]+/dist/'],
  testTimeout: 60000,
  // The preload's bundle rebuilt from the sources first: a test never runs a stale one.
  globalSetup: '<rootDir>/test/bundlePreload.globalSetup.js',
  // Tests start real processes and servers; two workers match the two cores.
  maxWorkers: 2,
};
