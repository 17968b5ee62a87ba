// Why this file exists: `npm test` must see the repository's tests only, never
// the copies StrykerJS makes in its sandbox (.stryker-tmp/) or anything under
// reports/ (`npm run mutation`, stryker.config.mjs).
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, '.stryker-tmp/**', 'reports/**'],
  },
});
