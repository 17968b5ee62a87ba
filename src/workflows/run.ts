// The one path from scenarios to judged results on one target: compile the
// suite, run its items, judge each observation. `run`, repro checks,
// minimization and fuzz batches all go through it.
import type { Progress } from '../core/progress.ts';
import type { KernelIdentity, Target } from '../core/target.ts';
import type { CompiledProgram } from '../exec/compile.ts';
import { checkGuestMemory } from '../exec/guest-memory.ts';
import { buildSuite, scenarioItems } from '../exec/suite.ts';
import { judgeItems } from '../judge/judge-items.ts';
import type { Oracle } from '../judge/oracle.ts';
import { shellQuote } from '../core/text.ts';
import { newReport, type KernelRun, type RunReport } from '../report/report.ts';
import { scenarioOf, type ScenarioRef } from '../specs/load.ts';
import { corpusIdentity } from '../specs/select.ts';
import type { makeTarget } from '../exec/targets.ts';
import { CoverageFold, seriesOf, type FoldRequest } from './coverage.ts';
import { openTarget, type TargetChoice } from './target.ts';

export interface RunOptions {
  refs: ScenarioRef[];
  target: Target;
  oracle: Oracle;
  label: string;
  /** Which kernel exactly, for the report. */
  image?: KernelIdentity;
  /** How to rerun one scenario, for the report. */
  reproduce: (ref: ScenarioRef) => string;
  progress?: Progress;
  signal?: AbortSignal;
  compiled?: CompiledProgram;
  /** A coverage target (TargetChoice.coverage): map each scenario's counters onto the series' added lines. */
  coverage?: FoldRequest;
}

export async function runScenarios(opts: RunOptions): Promise<KernelRun> {
  const compiled = opts.compiled ?? (await buildSuite(opts.refs, opts.signal ? { signal: opts.signal } : {}));
  const { items, files } = scenarioItems(opts.refs, compiled, opts.target.kind);
  if (opts.target.kind === 'qemu') checkGuestMemory(opts.refs, files);
  // counters are mapped as the guest sends them, not all after the run
  const fold = opts.coverage ? new CoverageFold(opts.coverage) : undefined;
  const { results, info } = await opts.target.run(items, files, opts.progress, opts.signal, fold ? { onCoverage: fold.onCoverage } : {});
  return {
    label: opts.label,
    profile: opts.oracle.profile,
    target: info,
    ...(opts.image ? { image: opts.image } : {}),
    results: judgeItems(opts.refs, results, opts.oracle, opts.reproduce),
    ...(fold ? { coverage: await fold.fold(results) } : {}),
  };
}

export interface RunCorpusRequest {
  refs: ScenarioRef[];
  choice: TargetChoice;
  progress: Progress;
  signal?: AbortSignal;
  /** Opens the target; exec/targets.ts makeTarget unless replaced (tests inject a target that loses or breaks items). */
  makeTarget?: typeof makeTarget;
}

/** `uringspec run`: the scenarios on one target, as a report. */
export async function runCorpus(r: RunCorpusRequest): Promise<RunReport> {
  const report = newReport();
  report.corpus = corpusIdentity(r.refs);
  const t0 = Date.now();
  // a kernel that does not exist or cannot give coverage is an error before anything is compiled or built
  if (r.choice.kernel) {
    const { checkCoverageKernel, checkKernelArg } = await import('../kernel/resolve-kernel.ts');
    if (r.choice.coverage) await checkCoverageKernel(r.choice.kernel);
    await checkKernelArg(r.choice.kernel);
  }
  r.progress({ phase: 'compile', detail: `${r.refs.length} scenario(s)` });
  const compiled = await buildSuite(r.refs, r.signal ? { signal: r.signal } : {});
  r.progress({ phase: 'compile', detail: compiled.cacheHit ? 'cached' : `${Math.round(compiled.ms)} ms` });
  // Before a kernel is built or booted.
  if (r.choice.kind === 'qemu') checkGuestMemory(r.refs, scenarioItems(r.refs, compiled, 'qemu').files);
  const { target, label, identity, oracle, coverage } = await openTarget(r.choice, r.progress, r.signal, r.makeTarget);
  const kernelArgs = r.choice.kernel ? ['--kernel', r.choice.kernel, ...(coverage ? ['--coverage'] : [])] : [];
  try {
    const run = await runScenarios({
      refs: r.refs,
      target,
      oracle,
      label,
      image: identity,
      compiled,
      progress: r.progress,
      ...(r.signal ? { signal: r.signal } : {}),
      reproduce: (ref) =>
        ['npx', 'uringspec', 'run', ref.spec.file, '--scenario', scenarioOf(ref).id, ...kernelArgs].map(shellQuote).join(' '),
      ...(coverage
        ? { coverage: { built: coverage.built, series: await seriesOf(coverage.built, 'baseline'), cleanup: true, progress: r.progress } }
        : {}),
    });
    report.kernels.push(run);
  } finally {
    await coverage?.dispose();
  }
  report.durationMs = Date.now() - t0;
  if (r.signal?.aborted) {
    report.incomplete = true;
    report.incompleteReason = 'interrupted';
  }
  return report;
}
