// `uringspec gate`: the main job. Series in, verdict and reports out.
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS_DIR } from '../../core/paths.ts';
import { InfraError } from '../../core/errors.ts';
import { profileForKernel } from '../../judge/oracle.ts';
import { TerminalReporter } from '../../report/terminal.ts';
import { loadSpecsOrThrow } from '../../specs/load.ts';
import { parseShard } from '../../specs/select.ts';
import { runGate, type GateKernel } from '../../workflows/gate.ts';
import { COMMON_OPTIONS, EXIT, UsageError, VERDICT_EXIT_USAGE, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';

const USAGE = `uringspec gate [--recipe R] [--baseline R] [options]
  One command from a patch series to a verdict: builds the patched and the
  baseline kernel (cached), boots each once, runs every scenario of the
  corpus and liburing's own tests, compares with the reference model, and
  writes KTAP, JUnit, JSON, HTML and a summary into --out.

  --recipe R          patched kernel recipe (default sendzc-provided-rfc), recipe file, or image
  --baseline R        baseline kernel (default baseline)
  --specs DIR         scenarios (default ${relative(process.cwd(), CORPUS_DIR) || '.'}/)
  -o, --out DIR       report directory (default out/gate)
  --shard i/n         run every n-th scenario starting at i (CI matrix); merge with 'uringspec report merge'
  --no-peer           skip liburing's test suite
  --peer-tests A,B    which liburing tests (default: the ones that exercise send zc, provided buffers and bundles)
  --accel auto|kvm|tcg
  --coverage          also run the scenarios on the patched recipe's coverage variant (gcov in
                      io_uring/) and report which lines the series adds they executed: per patch,
                      hunk and scenario, the never-executed ones by file:line (the verdicts stay the
                      plain kernels')
  --keep              keep the work directory (initramfs, console logs) under --out/work
  -q, --quiet         no progress output
${VERDICT_EXIT_USAGE}`;

const command: Command = {
  name: 'gate',
  summary: 'series in, verdict and reports out (RFC kernel + baseline, corpus, liburing tests)',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...COMMON_OPTIONS,
        recipe: { type: 'string', default: 'sendzc-provided-rfc' },
        baseline: { type: 'string', default: 'baseline' },
        specs: { type: 'string', default: CORPUS_DIR },
        out: { type: 'string', short: 'o', default: 'out/gate' },
        shard: { type: 'string' },
        'no-peer': { type: 'boolean', default: false },
        'peer-tests': { type: 'string' },
        accel: { type: 'string', default: 'auto' },
        keep: { type: 'boolean', default: false },
        coverage: { type: 'boolean', default: false },
      },
    });
    if (!['auto', 'kvm', 'tcg'].includes(values.accel)) throw new UsageError('--accel must be auto, kvm or tcg');
    const shard = values.shard ? parseShard(values.shard) : undefined;
    const specs = loadSpecsOrThrow([values.specs]);
    const kernels: GateKernel[] = [
      { kernel: values.recipe, profile: profileForKernel('qemu', values.recipe), role: 'patched' },
      { kernel: values.baseline, profile: 'baseline', role: 'baseline' },
    ];
    const outDir = resolve(values.out);
    try {
      const { report, exitCode, files } = await withSignals((signal) =>
        runGate({
          specs,
          kernels,
          outDir,
          ...(shard ? { shard } : {}),
          // Sharded CI jobs run the peer suite once, in shard 1.
          peer: !values['no-peer'] && (!shard || shard.index === 1),
          ...(values['peer-tests']
            ? {
                peerTests: values['peer-tests']
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean),
              }
            : {}),
          keep: values.keep,
          coverage: values.coverage,
          accel: values.accel as 'auto' | 'kvm' | 'tcg',
          progress: progressPrinter(values.quiet),
          signal,
        }),
      );
      process.stdout.write(new TerminalReporter().render(report));
      process.stdout.write(`reports: ${files.map((f) => relative(process.cwd(), f)).join(' ')}\n`);
      return exitCode;
    } catch (err) {
      if (err instanceof InfraError) {
        process.stderr.write(
          `uringspec gate: ${err.message}\n${err.detail ? err.detail.split('\n').slice(-15).join('\n') + '\n' : ''}partial reports in ${relative(process.cwd(), outDir)}\n`,
        );
        return EXIT.infra;
      }
      throw err;
    }
  },
};
export default command;
