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

/** The exit codes of the commands that judge scenarios (run, gate, report merge), as report/report.ts exitCodeOf() decides them. */
export const VERDICT_EXIT_USAGE = `Exit: 0 every scenario passed or has no oracle (no-oracle is counted and shown, not a failure)
      and no liburing regression;
      1 a conformance failure (fail, crash, timeout) or a liburing regression;
      2 usage error or infrastructure: a scenario that could not run (error) or that the
      target lost (lost), an incomplete run, a kernel that does not build or boot.`;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  quiet: { type: 'boolean', short: 'q', default: false },
} as const;
