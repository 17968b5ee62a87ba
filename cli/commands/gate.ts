import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runGate, type GateKernel } from '../../harness/gate.ts';
import { profileForKernel } from '../../harness/oracle.ts';
import { TerminalReporter } from '../../harness/reporters/terminal.ts';
import { parseShard, type Shard } from '../../harness/shard.ts';
import { InfraError } from '../../harness/target.ts';
import { formatSpecError, loadSpecs } from '../../specs/load.ts';
import { EXIT_INFRA, UsageError, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';

const USAGE = `uringspec gate [--recipe R] [--baseline R] [options]
  One command from a patch series to a verdict: builds the patched and the
  baseline kernel (cached), boots each once, runs every scenario of the
  corpus and liburing's own tests, compares with the reference model, and
  writes KTAP, JUnit, JSON, HTML and a summary into --out.

  --recipe R          patched kernel recipe (default sendzc-provided-rfc), recipe file, or bzImage
  --baseline R        baseline kernel (default baseline)
  --specs DIR         scenarios (default specs/)
  --out DIR           report directory (default out/gate)
  --shard i/n         run every n-th scenario starting at i (CI matrix); merge with 'uringspec report merge'
  --no-peer           skip liburing's test suite
  --peer-tests A,B    which liburing tests (default: the ones that exercise send zc, provided buffers and bundles)
  --accel auto|kvm|tcg
  --keep              keep the work directory (initramfs, console logs) under --out/work
  --quiet             no progress output
Exit: 0 all agree and no regression, 1 a conformance failure or regression, 2 infrastructure.`;

const command: Command = {
  name: 'gate',
  summary: 'series in, verdict and reports out (RFC kernel + baseline, corpus, liburing tests)',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        recipe: { type: 'string', default: 'sendzc-provided-rfc' },
        baseline: { type: 'string', default: 'baseline' },
        specs: { type: 'string', default: 'specs' },
        out: { type: 'string', default: 'out/gate' },
        shard: { type: 'string' },
        'no-peer': { type: 'boolean', default: false },
        'peer-tests': { type: 'string' },
        accel: { type: 'string', default: 'auto' },
        keep: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (!['auto', 'kvm', 'tcg'].includes(values.accel!)) throw new UsageError('--accel must be auto, kvm or tcg');
    let shard: Shard | undefined;
    try {
      shard = values.shard ? parseShard(values.shard) : undefined;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { specs, errors } = loadSpecs([values.specs!]);
    if (errors.length) {
      for (const e of errors) process.stderr.write(formatSpecError(e) + '\n');
      return EXIT_INFRA;
    }
    const kernels: GateKernel[] = [
      { kernel: values.recipe!, profile: profileForKernel('qemu', values.recipe), role: 'patched' },
      { kernel: values.baseline!, profile: 'baseline', role: 'baseline' },
    ];
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.on('SIGINT', onSignal); // on, not once: qemu-process.ts re-raises the signal when no one else listens
    process.on('SIGTERM', onSignal);
    const outDir = resolve(values.out!);
    try {
      const { report, exitCode, files } = await runGate({
        specs,
        kernels,
        outDir,
        ...(shard ? { shard } : {}),
        // Sharded CI jobs run the peer suite once, in shard 1.
        peer: !values['no-peer'] && (!shard || shard.index === 1),
        ...(values['peer-tests'] ? { peerTests: values['peer-tests'].split(',').map((t) => t.trim()).filter(Boolean) } : {}),
        keep: values.keep!,
        accel: values.accel as 'auto' | 'kvm' | 'tcg',
        progress: progressPrinter(values.quiet!),
        signal: abort.signal,
      });
      process.stdout.write(new TerminalReporter().render(report));
      process.stdout.write(`reports: ${files.map((f) => f.replace(process.cwd() + '/', '')).join(' ')}\n`);
      return exitCode;
    } catch (err) {
      if (err instanceof InfraError) {
        process.stderr.write(`uringspec gate: ${err.message}\n${err.detail ? err.detail.split('\n').slice(-15).join('\n') + '\n' : ''}partial reports in ${outDir}\n`);
        return EXIT_INFRA;
      }
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
export default command;
