// Every subcommand is one file in cli/commands/ exporting a Command.
// main.ts only dispatches; a command parses its own flags (node:util parseArgs)
// and returns the process exit code: 0 pass, 1 conformance failure, 2 usage or
// infrastructure error.

export interface Command {
  /** First word after `uringspec`, e.g. "run" or "kernel". */
  name: string;
  /** One line for `uringspec --help`. */
  summary: string;
  /** Full usage text printed on `uringspec <name> --help` and on usage errors. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_INFRA = 2;

/** A usage error: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
