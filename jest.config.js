/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  // Type-checking is `tsc -b`'s job (run by `npm test` first); ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^@transcriber/([a-z-]+)$': '<rootDir>/packages/$1/src' },
  modulePathIgnorePatterns: ['<rootDir>/packages/[^/]+/dist/'],
  testTimeout: 60000,
  // Tests start real processes and servers; two workers match the two cores.
  maxWorkers: 2,
};
