// `uringspec gate`: series in, verdict and reports out. Builds the patched
// and the baseline kernel (cached), compiles the corpus once, boots each
// kernel once to run every scenario and the peer suite, compares scenarios
// with the model's profile for that kernel and the peer suite across kernels.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { ItemResult } from '../core/target.ts';
import { shellQuote } from '../core/text.ts';
import { buildPeerSuite, peerItems, type PeerBinaries } from '../exec/peer-suite.ts';
import { buildSuite, scenarioItems } from '../exec/suite.ts';
import { makeTarget, type Accel, type MadeTarget } from '../exec/targets.ts';
import { judgeItems } from '../judge/judge-items.ts';
import { modelOracle } from '../judge/oracle.ts';
import { peerResultOf, regressions, type PeerResult } from '../judge/peer.ts';
import type { ProfileName } from '../model/profiles.ts';
import { writeReportSet } from '../report/index.ts';
import { exitCodeOf, newReport, type KernelRun, type RunReport } from '../report/report.ts';
import { allScenarios, scenarioOf, type LoadedSpec, type ScenarioRef } from '../specs/load.ts';
import { shardOf, type Shard } from '../specs/select.ts';
import { coverageWorkDir, foldCoverage, seriesOf, verdictDiffs } from './coverage.ts';

export interface GateKernel {
  /** Recipe name or file, or an image path. */
  kernel: string;
  profile: ProfileName;
  role: 'patched' | 'baseline';
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
  /**
   * Also run the scenarios on the patched recipe's coverage variant and report which added lines of the
   * series they executed (KernelRun.coverage of the patched kernel). Its verdicts never replace the plain
   * kernel's; where they differ, the coverage says so.
   */
  coverage?: boolean;
}

export interface GateResult {
  report: RunReport;
  exitCode: number;
  files: string[];
}

export async function runGate(o: GateOptions): Promise<GateResult> {
  const started = new Date();
  const refs = shardOf(allScenarios(o.specs), o.shard);
  const report = newReport(started);
  mkdirSync(o.outDir, { recursive: true });
  const workDir = o.keep ? join(o.outDir, 'work') : undefined;
  const patchedKernel = o.kernels.find((k) => k.role === 'patched');
  const baselineKernel = o.kernels.find((k) => k.role === 'baseline');
  const covKeep = workDir ? join(workDir, 'coverage') : undefined;
  const covWork = o.coverage ? await coverageWorkDir(covKeep) : undefined;
  try {
    if (o.coverage && patchedKernel) {
      // before anything is built: a kernel that cannot give coverage is an error, not a long build
      const { checkCoverageKernel } = await import('../kernel/resolve-kernel.ts');
      await checkCoverageKernel(patchedKernel.kernel);
    }
    if (covKeep) mkdirSync(covKeep, { recursive: true });
    // Build everything first: a series that does not apply fails before any boot.
    const targets: MadeTarget[] = [];
    for (const k of o.kernels) {
      o.progress({ phase: 'kernel', detail: `${k.role}: ${k.kernel}` });
      const dir = workDir ? join(workDir, k.role) : undefined;
      if (dir) mkdirSync(dir, { recursive: true });
      targets.push(
        await makeTarget({
          kind: 'qemu',
          kernel: k.kernel,
          accel: o.accel,
          progress: o.progress,
          signal: o.signal,
          ...(dir ? { workDir: dir } : {}),
        }),
      );
    }
    const covTarget =
      covWork && patchedKernel
        ? await makeTarget({
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
    const compiled = await buildSuite(refs, { signal: o.signal });
    const peer = o.peer ? await buildPeerSuite(o.peerTests) : undefined;
    // One boot per kernel, all kernels at once: TCG runs a guest on one host
    // core, and the machine has more than one.
    const runOne = async (k: GateKernel, i: number): Promise<KernelRun> => {
      const { target, label } = targets[i]!;
      const { items, files } = scenarioItems(refs, compiled, 'qemu');
      const p = peer ? peerItems(peer, true) : { items: [], files: [] };
      const progress: Progress = (e) => o.progress({ ...e, phase: `${label}: ${e.phase}` });
      progress({ phase: 'boot', detail: `${items.length} scenario(s)${peer ? ` + ${p.items.length} liburing test(s)` : ''}` });
      const run = await target.run([...items, ...p.items], [...files, ...p.files], progress, o.signal);
      const oracle = await modelOracle(k.profile);
      const scenarioResults = run.results.filter((r) => !r.id.startsWith('peer:'));
      return {
        label,
        profile: k.profile,
        target: run.info,
        results: judgeItems(refs, scenarioResults, oracle, (r) => reproduceCommand(r, label)),
        ...(peer ? { peer: peerOf(run.results, peer) } : {}),
      };
    };
    // The coverage variant runs the scenarios alone, beside the plain kernels: its counters, never its verdicts.
    const runCoverage = async () => {
      const { target, label, built } = covTarget!;
      const { items, files } = scenarioItems(refs, compiled, 'qemu');
      const progress: Progress = (e) => o.progress({ ...e, phase: `${label}: ${e.phase}` });
      const run = await target.run(items, files, progress, o.signal);
      const oracle = await modelOracle(patchedKernel!.profile);
      const results = judgeItems(refs, run.results, oracle, (r) => reproduceCommand(r, label));
      const series = await seriesOf(built!, baselineKernel?.kernel);
      const coverage = await foldCoverage({ results: run.results, built: built!, series, cleanup: !o.keep, progress });
      return { results, coverage };
    };
    const [runs, cov] = await Promise.all([Promise.all(o.kernels.map(runOne)), covTarget ? runCoverage() : undefined]);
    report.kernels.push(...runs);
    const patched = runs[o.kernels.findIndex((k) => k.role === 'patched')];
    if (cov && patched) patched.coverage = { ...cov.coverage, verdictDiffs: verdictDiffs(patched.results, cov.results) };
  } catch (err) {
    report.incomplete = true;
    report.incompleteReason = (err as Error).message;
    if (!(err instanceof InfraError)) throw err;
    finish(report, started, o);
    throw err;
  } finally {
    await covWork?.dispose();
  }
  if (o.signal.aborted) {
    report.incomplete = true;
    report.incompleteReason = 'interrupted';
  }
  const patched = report.kernels.find((_, i) => o.kernels[i]?.role === 'patched');
  const baseline = report.kernels.find((_, i) => o.kernels[i]?.role === 'baseline');
  if (patched?.peer && baseline?.peer) report.regressions = regressions(baseline.peer, patched.peer);
  const files = finish(report, started, o);
  return { report, exitCode: exitCodeOf(report), files };
}

function peerOf(results: ItemResult[], peer: PeerBinaries): PeerResult[] {
  return peer.tests.map((t) => {
    const r = results.find((x) => x.id === `peer:${t}`);
    return r ? peerResultOf(r) : { test: t, status: 'crash' as const, durationMs: 0, kernelSplats: [], tail: 'no result' };
  });
}

function reproduceCommand(r: ScenarioRef, kernel: string): string {
  return ['npx', 'uringspec', 'repro', r.spec.file, '--scenario', scenarioOf(r).id, '--kernel', kernel].map(shellQuote).join(' ');
}

/** Writes every report format into the output directory (also for partial runs). */
function finish(report: RunReport, started: Date, o: GateOptions): string[] {
  report.durationMs = Date.now() - started.getTime();
  return writeReportSet(report, o.outDir);
}
