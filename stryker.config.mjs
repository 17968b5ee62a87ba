// Why this file exists: mutation testing of our own pure code (issue 14): does
// the suite notice when specs, model, generator, judge, report or series code is
// wrong? `npm run mutation` runs it and prints the score per folder
// (scripts/mutation-score.ts); docs/mutation.md has the measured scores and the
// surviving mutants judged equivalent. Incremental: a re-run only tests mutants
// whose code or tests changed (reports/stryker-incremental.json, ignored by git).
// Narrow a run: npm run mutation -- --mutate 'src/judge/**/*.ts'
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // Mutants in module-level code (tables, constants) run every test: 45% of the mutants, 98% of the time
  // (src/judge). They are reported as Ignored and counted apart in docs/mutation.md.
  ignoreStatic: true,
  mutate: [
    'src/specs/**/*.ts',
    'src/model/**/*.ts',
    'src/generator/**/*.ts',
    'src/judge/**/*.ts',
    'src/report/**/*.ts',
    'src/series/**/*.ts',
    // what runs the host kernel's probe programs, not pure
    '!src/judge/host-probe.ts',
  ],
  // The other engineer's QEMU runs share this 2-core machine.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['out', 'findings', '.uringspec-work', 'reports'],
};
