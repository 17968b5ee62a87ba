// `uringspec gate`: series in, verdict and reports out. Builds the patched
// and the baseline kernel (cached), compiles the corpus once, boots each
// kernel once to run every scenario and the peer suite, compares scenarios
// with the model's profile for that kernel and the peer suite across kernels.
// Reports are never lost: a kernel whose run fails is reported with its
// scenarios 'lost' beside what the other kernel finished, and every format is
// written even when another one cannot be.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { ItemResult } from '../core/target.ts';
import { shellQuote } from '../core/text.ts';
import type { CompiledProgram } from '../exec/compile.ts';
import { checkGuestMemory } from '../exec/guest-memory.ts';
import { buildPeerSuite, peerItems, type PeerBinaries } from '../exec/peer-suite.ts';
import { buildSuite, scenarioItems } from '../exec/suite.ts';
import { makeTarget, type Accel, type MadeTarget } from '../exec/targets.ts';
import { judgeItems } from '../judge/judge-items.ts';
import { modelOracle, profileForKernel } from '../judge/oracle.ts';
import { peerResultOf, regressions, type PeerResult } from '../judge/peer.ts';
import type { Recipe } from '../kernel/recipe.ts';
import type { ProfileName } from '../model/profiles.ts';
import { writeReportSet } from '../report/index.ts';
import { exitCodeOf, newReport, type KernelRun, type RunReport, type SeriesRef } from '../report/report.ts';
import { gateBisect } from './gate-bisect.ts';
import { allScenarios, scenarioOf, type LoadedSpec, type ScenarioRef } from '../specs/load.ts';
import { corpusIdentity, shardOf, type Shard } from '../specs/select.ts';
import { CoverageFold, coverageWorkDir, seriesOf, verdictDiffs } from './coverage.ts';

export interface GateKernel {
  /** Recipe name or file, an image path, or a recipe built in memory (`gate --series`). */
  kernel: string | Recipe;
  profile: ProfileName;
  role: 'patched' | 'baseline';
  /** The series under test on this kernel, named in every report. */
  series?: SeriesRef[];
  /** What the kernel is built from, on one line: shown as the report's target kernel. */
  builtFrom?: string;
}

export interface GateOptions {
  specs: LoadedSpec[];
  kernels: GateKernel[];
  outDir: string;
  shard?: Shard;
  peer: boolean;
  peerTests?: string[];
  keep: boolean;
  accel: Accel;
  progress: Progress;
  signal: AbortSignal;
  /** After the gate: bisect every finding of the patched kernel over its series and write a reply for each (gate-bisect.ts). */
  bisect?: boolean;
  /** Opens a kernel's target; exec/targets.ts makeTarget unless replaced (tests inject a failing target). */
  makeTarget?: typeof makeTarget;
  /**
   * Also run the scenarios on the patched recipe's coverage variant and report which added lines of the
   * series they executed (KernelRun.coverage of the patched kernel). Its verdicts never replace the plain
   * kernel's; where they differ, the coverage says so.
   */
  coverage?: boolean;
}

/** An infrastructure failure the gate survived: reports were still written. */
export interface GateFailure {
  message: string;
  /** The evidence: the failing hunk, the compiler's last lines, a stack for a uringspec bug. */
  detail?: string;
}

export interface GateResult {
  report: RunReport;
  /** 2 when there is any failure. */
  exitCode: number;
  files: string[];
  /** A kernel that did not build or run, a report format not written. */
  failures: GateFailure[];
}

export async function runGate(o: GateOptions): Promise<GateResult> {
  const started = new Date();
  const refs = shardOf(allScenarios(o.specs), o.shard);
  const report = newReport(started);
  report.corpus = corpusIdentity(allScenarios(o.specs));
  if (o.shard) report.shard = o.shard;
  mkdirSync(o.outDir, { recursive: true });
  const workDir = o.keep ? join(o.outDir, 'work') : undefined;
  const open = o.makeTarget ?? makeTarget;
  const targets: MadeTarget[] = [];
  let compiled: CompiledProgram;
  let peer: PeerBinaries | undefined;
  const patchedKernel = o.kernels.find((k) => k.role === 'patched');
  const baselineKernel = o.kernels.find((k) => k.role === 'baseline');
  const covKeep = workDir ? join(workDir, 'coverage') : undefined;
  const covWork = o.coverage ? await coverageWorkDir(covKeep) : undefined;
  let covTarget: MadeTarget | undefined;
  try {
    if (o.coverage && patchedKernel) {
      // before anything is built: a kernel that cannot give coverage is an error, not a long build
      const { checkCoverageKernel } = await import('../kernel/resolve-kernel.ts');
      await checkCoverageKernel(patchedKernel.kernel);
    }
    if (covKeep) mkdirSync(covKeep, { recursive: true });
    // Build everything first: a series that does not apply fails before any boot.
    for (const k of o.kernels) {
      o.progress({ phase: 'kernel', detail: `${k.role}: ${labelOf(k)}` });
      const dir = workDir ? join(workDir, k.role) : undefined;
      if (dir) mkdirSync(dir, { recursive: true });
      targets.push(
        await open({
          kind: 'qemu',
          kernel: k.kernel,
          accel: o.accel,
          progress: o.progress,
          signal: o.signal,
          ...(dir ? { workDir: dir } : {}),
        }),
      );
    }
    covTarget =
      covWork && patchedKernel
        ? await open({
            kind: 'qemu',
            kernel: patchedKernel.kernel,
            accel: o.accel,
            progress: o.progress,
            signal: o.signal,
            coverageDir: covWork.dir,
            ...(covKeep ? { workDir: covKeep } : {}),
          })
        : undefined;
    o.progress({ phase: 'compile', detail: `${refs.length} scenario(s)` });
    compiled = await buildSuite(refs, { signal: o.signal });
    peer = o.peer ? await buildPeerSuite(o.peerTests) : undefined;
    if (targets.some((t) => t.target.kind === 'qemu'))
      checkGuestMemory(refs, [...scenarioItems(refs, compiled, 'qemu').files, ...(peer ? peerItems(peer, true).files : [])]);
  } catch (err) {
    await covWork?.dispose();
    // Nothing ran. The kernel being built when it failed carries the cause; the
    // others (or all, when the suite did not compile) did not run because of it.
    const failure = failureOf(err);
    const failed = o.kernels[targets.length]; // undefined: every kernel was built, the suite failed
    for (const [i, k] of o.kernels.entries()) {
      const why =
        k === failed ? failure.message : `not run: ${failed ? `${labelOf(failed)} did not build (${failure.message})` : failure.message}`;
      report.kernels.push(await lostRun(k, targets[i], refs, why));
    }
    return finish(report, started, o, [failure]);
  }
  // One boot per kernel, all kernels at once: TCG runs a guest on one host
  // core, and the machine has more than one.
  const runOne = async (k: GateKernel, i: number): Promise<KernelRun> => {
    const made = targets[i]!;
    const { target, label, identity } = made;
    const { items, files } = scenarioItems(refs, compiled, target.kind);
    const p = peer ? peerItems(peer, target.kind === 'qemu') : { items: [], files: [] };
    const progress: Progress = (e) => o.progress({ ...e, phase: `${label}: ${e.phase}` });
    progress({ phase: 'boot', detail: `${items.length} scenario(s)${peer ? ` + ${p.items.length} liburing test(s)` : ''}` });
    const run = await target.run([...items, ...p.items], [...files, ...p.files], progress, o.signal);
    const oracle = await modelOracle(k.profile);
    const scenarioResults = run.results.filter((r) => !r.id.startsWith('peer:'));
    return {
      label,
      profile: k.profile,
      target: k.builtFrom ? { ...run.info, kernel: k.builtFrom } : run.info,
      image: identity,
      results: judgeItems(refs, scenarioResults, oracle, (r) => reproduceCommand(r, k, made)),
      ...(peer ? { peer: peerOf(run.results, peer) } : {}),
      ...(k.series ? { series: k.series } : {}),
    };
  };
  // The coverage variant runs the scenarios alone, beside the plain kernels: its counters, never its verdicts.
  const runCoverage = async (made: MadeTarget) => {
    const { target, label, built } = made;
    const { items, files } = scenarioItems(refs, compiled, 'qemu');
    const progress: Progress = (e) => o.progress({ ...e, phase: `${label}: ${e.phase}` });
    const baselineName = typeof baselineKernel?.kernel === 'string' ? baselineKernel.kernel : undefined;
    const series = await seriesOf(built!, baselineName);
    // counters are mapped as the guest sends them, not all after the run
    const fold = new CoverageFold({ built: built!, series, cleanup: !o.keep, progress });
    const run = await target.run(items, files, progress, o.signal, { onCoverage: fold.onCoverage });
    const oracle = await modelOracle(patchedKernel!.profile);
    const results = judgeItems(refs, run.results, oracle, (r) => reproduceCommand(r, patchedKernel!, made));
    const coverage = await fold.fold(run.results);
    return { results, coverage };
  };
  const failures: GateFailure[] = [];
  const [settled, cov] = await Promise.all([
    Promise.allSettled(o.kernels.map(runOne)),
    covTarget
      ? runCoverage(covTarget).then(
          (v) => v,
          (e: unknown) => {
            failures.push(failureOf(e, `${covTarget.label} (coverage)`));
            return undefined;
          },
        )
      : undefined,
  ]).finally(() => covWork?.dispose());
  for (const [i, s] of settled.entries()) {
    if (s.status === 'fulfilled') {
      report.kernels.push(s.value);
      continue;
    }
    const failure = failureOf(s.reason, targets[i]!.label);
    failures.push(failure);
    report.kernels.push(await lostRun(o.kernels[i]!, targets[i], refs, failure.message));
  }
  const patched = report.kernels.find((_, i) => o.kernels[i]?.role === 'patched');
  const baseline = report.kernels.find((_, i) => o.kernels[i]?.role === 'baseline');
  if (patched?.peer && baseline?.peer) report.regressions = regressions(baseline.peer, patched.peer);
  if (cov && patched && !patched.error) patched.coverage = { ...cov.coverage, verdictDiffs: verdictDiffs(patched.results, cov.results) };
  const k = o.kernels.find((x) => x.role === 'patched');
  if (o.bisect && patched && k && !patched.error && !o.signal.aborted) {
    try {
      await gateBisect({ ...o, kernel: k.kernel, profile: k.profile, run: patched, refs, report });
    } catch (err) {
      // The gate's verdict stands; without the bisection the run is incomplete (exit 2). Ctrl-C: finish() says so.
      if (!o.signal.aborted) failures.push(failureOf(err, 'bisect'));
    }
  }
  return finish(report, started, o, failures);
}

/**
 * The first line of the error is the message (a report field is one line);
 * the rest of it (the failing hunk) and the end of the tool's output are the
 * detail; a uringspec bug's detail is its stack.
 */
function failureOf(err: unknown, label?: string): GateFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  const [first = '', ...rest] = e.message.split('\n');
  const where = label ? `${label}: ` : '';
  if (!(e instanceof InfraError))
    return { message: `${where}internal error (a uringspec bug): ${first}`, ...(e.stack ? { detail: e.stack } : {}) };
  const toolTail = e.detail ? e.detail.trimEnd().split('\n').slice(-15).join('\n') : '';
  const detail = [rest.join('\n').trim(), toolTail].filter(Boolean).join('\n');
  return { message: `${where}${first}`, ...(detail ? { detail } : {}) };
}

const labelOf = (k: GateKernel): string => (typeof k.kernel === 'string' ? k.kernel : k.kernel.name);

/** A kernel that did not run to the end: every scenario lost, with the cause. */
async function lostRun(k: GateKernel, made: MadeTarget | undefined, refs: ScenarioRef[], cause: string): Promise<KernelRun> {
  const label = made?.label ?? labelOf(k);
  // No target results: judgeItems gives each scenario its identity and no verdict.
  const none = judgeItems(refs, [], await modelOracle(k.profile), (r) => reproduceCommand(r, k, made));
  return {
    label,
    profile: k.profile,
    target: { kind: 'qemu', kernel: k.builtFrom ?? label },
    results: none.map((r) => ({ ...r, status: 'lost' as const, summary: cause.startsWith('not run: ') ? cause : `not run: ${cause}` })),
    ...(k.series ? { series: k.series } : {}),
    error: cause,
  };
}

function peerOf(results: ItemResult[], peer: PeerBinaries): PeerResult[] {
  return peer.tests.map((t) => {
    const r = results.find((x) => x.id === `peer:${t}`);
    return r ? peerResultOf(r) : { test: t, status: 'crash' as const, durationMs: 0, kernelSplats: [], tail: 'no result' };
  });
}

/** A recipe kernel by its name; a kernel built in memory by its image, with the profile it was judged by. */
function reproduceCommand(r: ScenarioRef, k: GateKernel, made: MadeTarget | undefined): string {
  const kernel = typeof k.kernel === 'string' ? k.kernel : (made?.image ?? k.kernel.name);
  const profile = profileForKernel('qemu', kernel) === k.profile ? [] : ['--profile', k.profile];
  return ['npx', 'uringspec', 'repro', r.spec.file, '--scenario', scenarioOf(r).id, '--kernel', kernel, ...profile]
    .map(shellQuote)
    .join(' ');
}

/** Writes every report format into the output directory (also for partial runs). */
function finish(report: RunReport, started: Date, o: GateOptions, failures: GateFailure[]): GateResult {
  if (failures.length) {
    report.incomplete = true;
    report.incompleteReason = failures.map((f) => f.message).join('; ');
  } else if (o.signal.aborted) {
    report.incomplete = true;
    report.incompleteReason = 'interrupted';
  }
  report.durationMs = Date.now() - started.getTime();
  const { files, failed } = writeReportSet(report, o.outDir);
  const all = [...failures, ...failed.map((f) => ({ message: `could not write ${f.file}: ${f.message}` }))];
  return { report, exitCode: all.length ? 2 : exitCodeOf(report), files, failures: all };
}
