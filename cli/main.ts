// `uringspec <command> ...`: dispatches to cli/commands/*. Exit codes:
// 0 pass, 1 conformance failure, 2 usage or infrastructure error.
import { InfraError } from '../harness/target.ts';
import { EXIT_INFRA, UsageError, type Command } from './command.ts';

const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
  check: () => import('./commands/check.ts'),
  schema: () => import('./commands/schema.ts'),
  generate: () => import('./commands/generate.ts'),
  run: () => import('./commands/run.ts'),
  series: () => import('./commands/series.ts'),
  kernel: () => import('./commands/kernel.ts'),
  gate: () => import('./commands/gate.ts'),
  report: () => import('./commands/report.ts'),
  repro: () => import('./commands/repro.ts'),
  minimize: () => import('./commands/minimize.ts'),
  fuzz: () => import('./commands/fuzz.ts'),
};

const HELP = `uringspec: conformance tests for io_uring kernel patch series

usage: uringspec <command> [options]

commands:
  check <specs>            validate spec files
  schema                   print the spec JSON Schema
  generate <specs>         emit C over liburing
  run <specs>              build, run on host or QEMU, compare with the model
  gate                     series in, verdict and reports out (both kernels, corpus, liburing tests)
  report merge <json>...   merge sharded gate reports
  repro <spec> --scenario  a standalone C reproducer + email text for a failing scenario
  minimize <spec> --scenario  shrink a failing scenario (delta debugging on the kernel)
  fuzz --count N --seed S  generated scenarios vs the model, minimized findings
  series show <input>      list the patches of a series (mbox, thread text, dir)
  kernel build <recipe>    build (or reuse) a kernel from a recipe

Run 'uringspec <command> --help' for a command's options.
Exit codes: 0 pass, 1 conformance failure, 2 usage or infrastructure error.
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name ? 0 : EXIT_INFRA;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`uringspec: unknown command "${name}"\n\n${HELP}`);
    return EXIT_INFRA;
  }
  let cmd: Command | undefined;
  try {
    cmd = (await load()).default;
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(cmd.usage + '\n');
      return 0;
    }
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`uringspec ${name}: ${(err as Error).message}\n\n${cmd?.usage ?? ''}\n`);
      return EXIT_INFRA;
    }
    if (err instanceof InfraError) {
      // detail carries the evidence: the failing hunk, the compiler's last lines, the console tail.
      const tail = err.detail ? err.detail.trimEnd().split('\n').slice(-40).join('\n') + '\n' : '';
      process.stderr.write(`uringspec ${name}: ${err.message}\n${tail}`);
      return EXIT_INFRA;
    }
    process.stderr.write(`uringspec ${name}: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_INFRA;
  }
}
