// The two kinds of error every layer may raise. Anything that is neither is a
// uringspec bug and reaches the user as "internal error" with its stack.
// Subclasses are defined where they are raised (kernel/build-error.ts,
// kernel/recipe.ts, exec/compile.ts, ...), as kunit.py does.

/** Infrastructure failure (a tool missing, a kernel that does not build or boot, a broken cache entry): exit 2, never a verdict. */
export class InfraError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'InfraError';
  }
}

/** Bad input from the user (options, arguments): printed with the command's usage, exit 2, before any work. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Process exit codes, the same for every command. */
export const EXIT = { pass: 0, fail: 1, infra: 2 } as const;
