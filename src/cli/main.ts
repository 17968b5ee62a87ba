// `uringspec <command> ...`: finds the command, prints help and the version,
// and maps every error to its exit code in one place: 0 pass, 1 conformance
// failure, 2 usage or infrastructure error (with the cause, never a stack
// trace unless it is a uringspec bug).
import { EXIT, InfraError, UsageError } from '../core/errors.ts';
import { closest, printable } from '../core/text.ts';
import { VERSION } from '../core/version.ts';
import { formatSpecError, SpecLoadError } from '../specs/load.ts';
import type { Command } from './command.ts';

const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
  check: () => import('./commands/check.ts'),
  schema: () => import('./commands/schema.ts'),
  generate: () => import('./commands/generate.ts'),
  run: () => import('./commands/run.ts'),
  gate: () => import('./commands/gate.ts'),
  report: () => import('./commands/report.ts'),
  repro: () => import('./commands/repro.ts'),
  minimize: () => import('./commands/minimize.ts'),
  bisect: () => import('./commands/bisect.ts'),
  fuzz: () => import('./commands/fuzz.ts'),
  series: () => import('./commands/series.ts'),
  kernel: () => import('./commands/kernel.ts'),
};

async function help(): Promise<string> {
  const cmds = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).default));
  const w = Math.max(...cmds.map((c) => c.name.length));
  return [
    'uringspec: conformance tests for io_uring kernel patch series',
    '',
    'usage: uringspec <command> [options]',
    '',
    'commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    "Run 'uringspec help <command>' for a command's options.",
    'Exit codes: 0 pass (no-oracle scenarios are counted, not failures), 1 conformance failure',
    '(fail, crash, timeout, a liburing regression), 2 usage or infrastructure error.',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`uringspec ${VERSION}\n`);
    return EXIT.pass;
  }
  if (!name || name === '--help' || name === '-h') {
    (name ? process.stdout : process.stderr).write(await help());
    return name ? EXIT.pass : EXIT.infra;
  }
  if (name === 'help') {
    const load = rest[0] ? COMMANDS[rest[0]] : undefined;
    if (rest[0] && !load) return unknown(rest[0]);
    process.stdout.write(load ? (await load()).default.usage + '\n' : await help());
    return EXIT.pass;
  }
  const load = COMMANDS[name];
  if (!load) return unknown(name);
  let cmd: Command | undefined;
  try {
    cmd = (await load()).default;
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(cmd.usage + '\n');
      return EXIT.pass;
    }
    return await cmd.run(rest);
  } catch (err) {
    return report(name, cmd, err);
  }
}

function unknown(name: string): number {
  const guess = closest(name, Object.keys(COMMANDS));
  process.stderr.write(
    `uringspec: '${printable(name)}' is not a uringspec command.${guess ? ` Did you mean '${guess}'?` : ''} See 'uringspec --help'.\n`,
  );
  return EXIT.infra;
}

function report(name: string, cmd: Command | undefined, err: unknown): number {
  const code = (err as { code?: string }).code;
  if (err instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
    // The cause on its own line, as git says it, and where the usage is (the whole help would bury it).
    let message = (err as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(message)?.[1] ?? '?';
      const guess = closest(option, [...new Set(cmd?.usage.match(/--[a-z][a-z0-9-]*/g) ?? [])]);
      message = `unknown option ${printable(option)}${guess ? `; did you mean ${guess}?` : ''}`;
    }
    process.stderr.write(`uringspec ${name}: ${message}\nusage: uringspec ${name} --help\n`);
    return EXIT.infra;
  }
  if (err instanceof SpecLoadError) {
    for (const e of err.errors) process.stderr.write(formatSpecError(e) + '\n');
    process.stderr.write(`${err.errors.length} spec error(s): nothing was built\n`);
    return EXIT.infra;
  }
  if (err instanceof InfraError) {
    // detail carries the evidence: the failing hunk, the compiler's last lines, the console tail.
    const tail = err.detail ? err.detail.trimEnd().split('\n').slice(-40).join('\n') + '\n' : '';
    process.stderr.write(`uringspec ${name}: ${err.message}\n${tail}`);
    return EXIT.infra;
  }
  process.stderr.write(`uringspec ${name}: internal error (a uringspec bug): ${(err as Error).stack ?? String(err)}\n`);
  return EXIT.infra;
}
