// Why this file exists: a test that needs something from outside the repository
// (a built kernel, the RFC series beside the clone, a tool, liburing's tests)
// must never pass by skipping in CI. .ci/run exports CI=true: there a missing
// piece fails the test with the reason; elsewhere the test skips with one line
// naming the command that provides it. Every skip in test/ goes through here.

/** What is missing and the command that provides it. */
export interface Missing {
  what: string;
  build: string;
}

/** The one-line reason, as a skip prints it and as CI fails with it. */
export const missingLine = (m: Missing): string => `${m.what} (to provide it: ${m.build})`;

/**
 * `value` when present; otherwise under CI throws the reason, elsewhere prints
 * one line and returns undefined (for `describe.skipIf(!x)` / `it.skipIf(!x)`).
 */
export function need<T>(value: T | undefined | null | false, missing: Missing): T | undefined {
  if (value !== undefined && value !== null && value !== false) return value;
  const line = missingLine(missing);
  if (process.env.CI) throw new Error(`CI: ${line}`);
  console.warn(`[skip] ${line}`);
  return undefined;
}
