// Why this file exists: the tests StrykerJS runs against each mutant
// (stryker.config.mjs): the fast in-process unit tests of the pure stages. Not
// run here: tests that compile and run the corpus on the host in a beforeAll
// (test/report/*-kunit, junit-schema, html-browser, judge/host-run,
// generator/compile, workflows/exit-paths: a mutant re-runs them, ~10 s each,
// 40+ hours for model and judge), the synthesizer's 15 s search, QEMU, CLI
// subprocesses (a child process never sees the active mutant). The score is
// therefore a floor: docs/mutation.md.
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/model/**/*.test.ts',
      'test/judge/compare.test.ts',
      'test/judge/pins.test.ts',
      'test/judge/signature.test.ts',
      'test/judge/peer.test.ts',
      'test/judge/bisect.test.ts',
      'test/judge/judge-items.test.ts',
      'test/judge/feedback.test.ts',
      'test/specs/schema.test.ts',
      'test/specs/json-schema.test.ts',
      'test/specs/minimize.test.ts',
      'test/series/**/*.test.ts',
      'test/report/reporters.test.ts',
      'test/workflows/shard-merge.test.ts',
      'test/generator/injection.test.ts',
    ],
    exclude: [...configDefaults.exclude, '.stryker-tmp/**', 'reports/**'],
  },
});
