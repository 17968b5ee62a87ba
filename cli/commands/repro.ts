import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { describeScenario } from '../../generator/describe.ts';
import { generateRepro } from '../../generator/repro.ts';
import { describeDiff } from '../../harness/reporters/reporter.ts';
import { runScenarios } from '../../harness/runner.ts';
import { liburingDir } from '../../harness/toolchain.ts';
import { formatSpecError, loadSpecs } from '../../specs/load.ts';
import { EXIT_FAIL, EXIT_INFRA, EXIT_PASS, UsageError, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';
import { TARGET_OPTIONS, TARGET_USAGE, targetFromOptions } from '../target-options.ts';

const USAGE = `uringspec repro <spec> --scenario ID [options]
  Writes a standalone C reproducer (libc + liburing; exit 0 pass, 1 fail,
  77 skip) with the model's expectations compiled in, builds it, runs it on
  the kernel, and writes a plain-text report ready for an email.
${TARGET_USAGE}
  --out DIR               where to write <id>.c and <id>.txt (default out/repro)
  --quiet`;

const command: Command = {
  name: 'repro',
  summary: 'standalone C reproducer + email text for a scenario',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...TARGET_OPTIONS, scenario: { type: 'string' }, out: { type: 'string', default: 'out/repro' }, quiet: { type: 'boolean', default: false } } });
    if (positionals.length !== 1 || !values.scenario) throw new UsageError('name one spec file and --scenario ID');
    const { specs, errors } = loadSpecs(positionals);
    if (errors.length) {
      for (const e of errors) process.stderr.write(formatSpecError(e) + '\n');
      return EXIT_INFRA;
    }
    const spec = specs[0]!;
    const index = spec.spec.scenarios.findIndex((s) => s.id === values.scenario);
    if (index < 0) throw new UsageError(`no scenario "${values.scenario}" in ${spec.file}`);
    const sc = spec.spec.scenarios[index]!;
    const progress = progressPrinter(values.quiet!);
    const { target, label, oracle, kind } = await targetFromOptions(values, progress);
    const prediction = oracle.predict(sc);
    if (prediction.kind === 'no-oracle') {
      process.stderr.write(`uringspec repro: the model has no oracle for ${sc.id}: ${prediction.reason}\n`);
      return EXIT_INFRA;
    }
    const c = generateRepro(spec, index, prediction, { kernel: label, profile: oracle.profile });
    mkdirSync(values.out!, { recursive: true });
    const cFile = join(values.out!, `${sc.id}.c`);
    writeFileSync(cFile, c);
    // Build it the way a reader would (plus -static so it also runs in the bare guest).
    const lr = liburingDir();
    const bin = join(values.out!, sc.id);
    const cc = await execa('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-static', '-I', join(lr, 'include'), '-o', bin, cFile, join(lr, 'lib', 'liburing.a')], { reject: false, all: true });
    if (cc.exitCode !== 0) {
      process.stderr.write(`uringspec repro: the reproducer does not compile (a uringspec bug):\n${cc.all}\n`);
      return EXIT_INFRA;
    }
    const guestPath = `/uspec/${sc.id}`;
    const ran = await target.run([{ id: `repro:${sc.id}`, argv: [kind === 'qemu' ? guestPath : bin], timeoutMs: sc.timeout_ms }], [{ hostPath: bin, guestPath, mode: 0o755 }], progress);
    const item = ran.results[0]!;
    // The same scenario through the suite runner gives the diff against the model.
    const judged = (await runScenarios({ refs: [{ spec, index }], target, oracle, label, reproduce: () => '' })).results[0]!;
    const checks = item.stdout.split('\n').filter((l) => /^(FAIL|PASS|SKIP)/.test(l));
    const exit = item.status === 'exited' ? item.exitCode : undefined;
    const verdict = exit === 0 ? 'passes' : exit === 77 ? 'skips (the kernel lacks the feature)' : exit === 1 ? 'fails' : `did not finish (${item.status}${item.signal ? ` signal ${item.signal}` : ''})`;
    const email = [
      `Subject: [BUG] io_uring: ${sc.title}`,
      '',
      `Kernel: ${label}${ran.info.accel ? ` (QEMU, ${ran.info.accel})` : ` (${ran.info.kernel})`}`,
      `Test:   ${spec.file}:${spec.lineOf(['scenarios', index])} (${sc.id}), expectations from the uringspec model, profile ${oracle.profile}`,
      '',
      'What the program does:',
      ...describeScenario(sc).map((l) => `  ${l}`),
      '',
      'Expected vs observed:',
      ...(judged.diffs.length ? judged.diffs.map((d) => `  ${describeDiff(d)}`) : [`  ${judged.summary}`]),
      ...(item.kernelSplats.length ? ['', 'Kernel log:', ...item.kernelSplats.map((l) => `  ${l}`)] : []),
      '',
      `The reproducer ${verdict}; it printed:`,
      ...checks.map((l) => `  ${l}`),
      '',
      'Reproducer (gcc -O2 -o repro repro.c -luring; exit 0 pass, 1 fail, 77 skip):',
      '',
      c,
    ].join('\n');
    const txt = join(values.out!, `${sc.id}.txt`);
    writeFileSync(txt, email);
    process.stdout.write(`${sc.id} on ${label}: reproducer ${verdict}\n${checks.map((l) => `  ${l}`).join('\n')}\nwrote ${cFile} and ${txt}\n`);
    return exit === 1 ? EXIT_FAIL : exit === 0 || exit === 77 ? EXIT_PASS : EXIT_FAIL;
  },
};
export default command;
