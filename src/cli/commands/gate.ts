// `uringspec gate`: the main job. Series in, verdict and reports out.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS_DIR } from '../../core/paths.ts';
import { PROFILE_NAMES, type ProfileName } from '../../model/profiles.ts';
import { TerminalReporter } from '../../report/terminal.ts';
import { loadSpecsOrThrow } from '../../specs/load.ts';
import { parseShard } from '../../specs/select.ts';
import { kernelInputs } from '../../kernel/recipe.ts';
import { reportSetFiles } from '../../report/index.ts';
import { runGate } from '../../workflows/gate.ts';
import { DEFAULT_BASELINE, DEFAULT_PATCHED, gateKernels, SERIES_PROFILE } from '../../workflows/gate-kernels.ts';
import { COMMON_OPTIONS, UsageError, VERDICT_EXIT_USAGE, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';
import { bisectableRecipe } from '../../workflows/gate-bisect.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';

const QEMU_PROFILES = PROFILE_NAMES.filter((p) => p !== 'host');

const USAGE = `uringspec gate [--recipe R] [--baseline R] [options]
uringspec gate --series FILE... [--base debian:PKG=VER] [--version N] [options]
  One command from a patch series to a verdict: builds the patched and the
  baseline kernel (cached), boots each once, runs every scenario of the
  corpus and liburing's own tests, compares with the reference model, and
  writes KTAP, JUnit, JSON, HTML and a summary into --out.

  --recipe R          patched kernel recipe (default ${DEFAULT_PATCHED}), recipe file, or image
  --baseline R        baseline kernel (default ${DEFAULT_BASELINE}); with --series, the recipe they are applied on
  --series FILE...    gate a series you bring, no recipe needed: an mbox (b4 am), a public-inbox
                      thread page saved as text, or a git format-patch directory. Applied on the
                      baseline recipe (its base and prerequisites), several in the order given
  --base debian:PKG=VER  apply the series on this Debian source instead; the baseline is then
                      that source alone (the prerequisites belong to the default base)
  --version N         the vN to take from a series file holding several (default the newest);
                      once for all, or once per --series in order
  --profile P         model profile of the patched kernel: ${QEMU_PROFILES.join(', ')}
                      (default: from the recipe name; ${SERIES_PROFILE} with --series)
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
  --bisect            then bisect every finding of the patched kernel over its series (the
                      recipe's last patch entry; with --series, the last series given): build
                      each prefix (cached), run the findings on it, name the patch each one
                      appears with in every report, and write a reply to that patch for each
                      finding into --out/mail/
  -q, --quiet         no progress output
${VERDICT_EXIT_USAGE}
Reports are written with what finished even when the run stops early (marked incomplete).`;

/** --series values and the positionals after them, in command-line order. */
function seriesFiles(tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>): string[] {
  const files: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option' && t.name === 'series' && t.value !== undefined) files.push(t.value);
    else if (t.kind === 'positional') {
      if (!files.length) throw new UsageError(`unexpected argument "${t.value}" (series files go after --series)`);
      files.push(t.value);
    }
  }
  return files;
}

function versionsFor(files: string[], given: string[]): (number | undefined)[] {
  for (const v of given) if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--version takes a positive number, not "${v}"`);
  if (given.length && !files.length) throw new UsageError('--version goes with --series');
  if (given.length > 1 && given.length !== files.length)
    throw new UsageError(`${given.length} --version for ${files.length} --series: give one for all, or one per series`);
  return files.map((_, i) => (given.length ? Number(given[given.length === 1 ? 0 : i]) : undefined));
}

const command: Command = {
  name: 'gate',
  summary: 'series in, verdict and reports out (RFC kernel + baseline, corpus, liburing tests)',
  usage: USAGE,
  async run(argv) {
    const { values, tokens } = parseArgs({
      args: argv,
      allowPositionals: true,
      tokens: true,
      options: {
        ...COMMON_OPTIONS,
        recipe: { type: 'string' },
        baseline: { type: 'string' },
        series: { type: 'string', multiple: true },
        base: { type: 'string' },
        version: { type: 'string', multiple: true },
        profile: { type: 'string' },
        specs: { type: 'string', default: CORPUS_DIR },
        out: { type: 'string', short: 'o', default: 'out/gate' },
        shard: { type: 'string' },
        'no-peer': { type: 'boolean', default: false },
        'peer-tests': { type: 'string' },
        accel: { type: 'string', default: 'auto' },
        keep: { type: 'boolean', default: false },
        bisect: { type: 'boolean', default: false },
        coverage: { type: 'boolean', default: false },
      },
    });
    if (!['auto', 'kvm', 'tcg'].includes(values.accel)) throw new UsageError('--accel must be auto, kvm or tcg');
    if (values.profile !== undefined && !(QEMU_PROFILES as string[]).includes(values.profile))
      throw new UsageError(`--profile must be one of ${QEMU_PROFILES.join(', ')}`);
    const shard = values.shard ? parseShard(values.shard) : undefined;
    const files = seriesFiles(tokens);
    const versions = versionsFor(files, values.version ?? []);
    // Everything a user can get wrong is checked here, before any build or boot.
    const kernels = await gateKernels({
      ...(values.recipe ? { recipe: values.recipe } : {}),
      ...(values.baseline ? { baseline: values.baseline } : {}),
      series: files.map((path, i) => ({ path, ...(versions[i] !== undefined ? { version: versions[i] } : {}) })),
      ...(values.base !== undefined ? { base: values.base } : {}),
      ...(values.profile ? { profile: values.profile as ProfileName } : {}),
    });
    // A kernel given as an image has no series to take apart: say so before anything is built.
    const patched = kernels.find((k) => k.role === 'patched')!;
    if (values.bisect) await bisectableRecipe(patched.kernel);
    const specs = loadSpecsOrThrow([values.specs]);
    const outDir = prepareOut({
      path: values.out,
      kind: 'dir',
      writes: [...reportSetFiles(), ...(values.keep ? ['work'] : [])],
      inputs: [...specs.map((s) => s.file), ...files, ...(await Promise.all(kernels.map((k) => kernelInputs(k.kernel)))).flat()],
    });
    const {
      report,
      exitCode,
      files: written,
      failures,
    } = await withSignals((signal) =>
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
        bisect: values.bisect,
        coverage: values.coverage,
        accel: values.accel as 'auto' | 'kvm' | 'tcg',
        progress: progressPrinter(values.quiet),
        signal,
      }),
    );
    process.stdout.write(new TerminalReporter().render(report));
    process.stdout.write(`reports: ${written.map((f) => relative(process.cwd(), f)).join(' ')}\n`);
    for (const f of failures) process.stderr.write(`uringspec gate: ${f.message}\n${f.detail ? f.detail.trimEnd() + '\n' : ''}`);
    if (report.incomplete)
      process.stderr.write(`uringspec gate: incomplete; the reports in ${relative(process.cwd(), outDir)} hold what finished\n`);
    return exitCode;
  },
};
export default command;
