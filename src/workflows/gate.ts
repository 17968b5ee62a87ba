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
import { gateBisect } from './gate-bisect.ts';
import { exitCodeOf, newReport, type KernelRun, type RunReport } from '../report/report.ts';
import { allScenarios, scenarioOf, type LoadedSpec, type ScenarioRef } from '../specs/load.ts';
import { shardOf, type Shard } from '../specs/select.ts';

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
  /** After the gate: bisect every finding of the patched kernel over its series and write a reply for each (gate-bisect.ts). */
  bisect?: boolean;
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
  try {
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
  const k = o.kernels.find((x) => x.role === 'patched');
  if (o.bisect && patched && k && !o.signal.aborted) {
    try {
      await gateBisect({ ...o, kernel: k.kernel, profile: k.profile, run: patched, refs, report });
    } catch (err) {
      // The gate's verdict stands; the bisection is missing, so the run is incomplete (exit 2).
      if (!(err instanceof InfraError) && !o.signal.aborted) throw err;
      report.incomplete = true;
      report.incompleteReason = o.signal.aborted ? 'interrupted' : `bisect: ${(err as Error).message.split('\n')[0]}`;
    }
  }
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
