// Every subcommand is one file in cli/commands/ exporting a Command: it
// parses its own flags (node:util parseArgs), calls one workflow and returns
// the process exit code (core/errors.ts EXIT: 0 pass, 1 conformance failure,
// 2 usage or infrastructure error). Errors are mapped to exit codes once, in
// main.ts.
export { EXIT, UsageError } from '../core/errors.ts';

export interface Command {
  /** First word after `uringspec`, e.g. "run" or "kernel". */
  name: string;
  /** One line for `uringspec --help`. */
  summary: string;
  /** Full usage text printed on `uringspec help <name>`, `<name> --help` and usage errors. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  quiet: { type: 'boolean', short: 'q', default: false },
} as const;
