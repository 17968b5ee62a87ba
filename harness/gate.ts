// `uringspec gate`: series in, verdict and reports out. Builds the patched
// and the baseline kernel (cached), compiles the corpus once, boots each
// kernel once to run every scenario and the peer suite, compares scenarios
// with the model's profile for that kernel and the peer suite across kernels.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedSpec } from '../specs/load.ts';
import { modelOracle, type ProfileChoice } from './oracle.ts';
import { buildPeerSuite, peerItems, peerResultOf, regressions, type PeerBinaries, type PeerResult } from './peer-suite.ts';
import { exitCodeOf, type KernelRun, type RunReport } from './report.ts';
import { writeReportSet } from './reporters/index.ts';
import { allScenarios, buildSuite, judgeItems, scenarioItems, scenarioOf, type ScenarioRef } from './runner.ts';
import type { ResolvedKernel } from '../vm/resolve-kernel.ts';
import { shardOf, type Shard } from './shard.ts';
import { InfraError, type ItemResult, type Progress } from './target.ts';

export interface GateKernel {
  /** Recipe name or file, or an image path. */
  kernel: string;
  profile: ProfileChoice;
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
  accel: 'auto' | 'kvm' | 'tcg';
  progress: Progress;
  signal: AbortSignal;
}

export interface GateResult {
  report: RunReport;
  exitCode: number;
  files: string[];
}

export async function runGate(o: GateOptions): Promise<GateResult> {
  const started = new Date();
  const refs = shardOf(allScenarios(o.specs), o.shard);
  const report: RunReport = { tool: 'uringspec', version: '0.1.0', startedAt: started.toISOString(), durationMs: 0, kernels: [], incomplete: false };
  mkdirSync(o.outDir, { recursive: true });
  const workDir = o.keep ? join(o.outDir, 'work') : undefined;
  try {
    // Build everything first: a series that does not apply fails before any boot.
    const { resolveKernel } = await import('../vm/resolve-kernel.ts');
    const images: ResolvedKernel[] = [];
    for (const k of o.kernels) {
      o.progress({ phase: 'kernel', detail: `${k.role}: ${k.kernel}` });
      images.push(await resolveKernel(k.kernel, { progress: o.progress }));
    }
    o.progress({ phase: 'compile', detail: `${refs.length} scenario(s)` });
    const compiled = await buildSuite(refs);
    const peer = o.peer ? await buildPeerSuite(o.peerTests) : undefined;
    const { QemuTarget } = await import('../vm/qemu-target.ts');
    // One boot per kernel, all kernels at once: TCG runs a guest on one host
    // core, and the machine has more than one.
    const runOne = async (k: GateKernel, i: number): Promise<KernelRun> => {
      const image = images[i]!;
      const target = new QemuTarget({ image: image.image, label: image.label, accel: o.accel, ...(workDir ? { workDir: join(workDir, image.label) } : {}) });
      const { items, files } = scenarioItems(refs, compiled, 'qemu');
      const p = peer ? peerItems(peer, true) : { items: [], files: [] };
      if (workDir) mkdirSync(join(workDir, image.label), { recursive: true });
      const progress: Progress = (e) => o.progress({ ...e, phase: `${image.label}: ${e.phase}` });
      progress({ phase: 'boot', detail: `${items.length} scenario(s)${peer ? ` + ${p.items.length} liburing test(s)` : ''}` });
      const run = await target.run([...items, ...p.items], [...files, ...p.files], progress, o.signal);
      const oracle = await modelOracle(k.profile);
      const scenarioResults = run.results.filter((r) => !r.id.startsWith('peer:'));
      return {
        label: image.label,
        profile: k.profile,
        target: run.info,
        results: judgeItems(refs, scenarioResults, oracle, (r) => reproduceCommand(r, image.label)),
        ...(peer ? { peer: peerOf(run.results, peer) } : {}),
      };
    };
    report.kernels.push(...(await Promise.all(o.kernels.map(runOne))));
  } catch (err) {
    report.incomplete = true;
    report.incompleteReason = (err as Error).message;
    if (!(err instanceof InfraError)) throw err;
    finish(report, started, o);
    throw err;
  }
  if (o.signal.aborted) {
    report.incomplete = true;
    report.incompleteReason = 'interrupted';
  }
  const patched = report.kernels.find((_, i) => o.kernels[i]?.role === 'patched');
  const baseline = report.kernels.find((_, i) => o.kernels[i]?.role === 'baseline');
  if (patched?.peer && baseline?.peer) report.regressions = regressions(baseline.peer, patched.peer);
  const files = finish(report, started, o);
  const exit = exitCodeOf(report);
  return { report, exitCode: exit, files };
}

function peerOf(results: ItemResult[], peer: PeerBinaries): PeerResult[] {
  return peer.tests.map((t) => {
    const r = results.find((x) => x.id === `peer:${t}`);
    return r ? peerResultOf(r) : { test: t, status: 'crash' as const, durationMs: 0, kernelSplats: [], tail: 'no result' };
  });
}

function reproduceCommand(r: ScenarioRef, kernel: string): string {
  return `npx uringspec repro ${r.spec.file} --scenario ${scenarioOf(r).id} --kernel ${kernel}`;
}

/** Writes every report format into the output directory (also for partial runs). */
function finish(report: RunReport, started: Date, o: GateOptions): string[] {
  report.durationMs = Date.now() - started.getTime();
  return writeReportSet(report, o.outDir);
}

