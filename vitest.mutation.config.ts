// Why this file exists: the tests StrykerJS runs against each mutant
// (stryker.config.mjs). Only tests that exercise the pure stages in process and
// on the host: no QEMU, no kernel, no CLI subprocess (a child process never sees
// the active mutant, so it could only slow the run down, never kill a mutant).
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/model/**/*.test.ts',
      'test/judge/**/*.test.ts',
      'test/specs/**/*.test.ts',
      'test/generator/**/*.test.ts',
      'test/series/**/*.test.ts',
      'test/report/**/*.test.ts',
      'test/workflows/shard-merge.test.ts',
      'test/workflows/exit-paths.test.ts',
    ],
    exclude: [...configDefaults.exclude, '.stryker-tmp/**', 'reports/**', 'test/report/html-browser.test.ts'],
  },
});
