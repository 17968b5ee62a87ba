// The result of a run, as every reporter consumes it. The JSON reporter
// writes exactly this shape (documented in docs/report-json.md).
import type { ObservedCqe } from './events.ts';
import type { PeerResult } from './peer-suite.ts';
import type { TargetInfo } from './target.ts';
import type { Diff, ExpectedCqe, VerdictStatus } from './verdict.ts';

export interface ScenarioResult {
  id: string;
  title: string;
  file: string;
  line: number;
  tags: string[];
  status: VerdictStatus;
  summary: string;
  diffs: Diff[];
  pinConflicts: Diff[];
  durationMs: number;
  /** Every CQE observed, in order (user_data as a decimal string: JSON has no u64). */
  cqes: { step: number; userData: string; res: number; flags: number }[];
  /** The model's CQE timeline, when there is a prediction. */
  expected?: ExpectedCqe[];
  kernelSplats: string[];
  consoleTail?: string;
  /** A command that reruns just this scenario. */
  reproduce: string;
}

export interface KernelRun {
  /** Label of the kernel: recipe name, image path, or "host <release>". */
  label: string;
  /** The model profile the observations were compared with. */
  profile: string;
  target: TargetInfo;
  results: ScenarioResult[];
  /** liburing's own tests run in the same boot (gate only). */
  peer?: PeerResult[];
}

export interface RunReport {
  tool: 'uringspec';
  version: string;
  startedAt: string;
  durationMs: number;
  kernels: KernelRun[];
  /** True when the run was interrupted or an infrastructure error stopped it: results are partial. */
  incomplete: boolean;
  /** Why the run is incomplete, when it is. */
  incompleteReason?: string;
  /** Peer-suite tests that pass on the baseline and fail on the patched kernel. */
  regressions?: string[];
}

export type Totals = Record<VerdictStatus, number> & { total: number };

export function totals(results: ScenarioResult[]): Totals {
  const t: Totals = { pass: 0, fail: 0, 'no-oracle': 0, crash: 0, timeout: 0, error: 0, total: results.length };
  for (const r of results) t[r.status]++;
  return t;
}

export function cqesForReport(cqes: ObservedCqe[]): ScenarioResult['cqes'] {
  return cqes.map((c) => ({ step: c.step, userData: c.userData.toString(), res: c.res, flags: c.flags }));
}

/** 0 every scenario passed; 1 a conformance failure (anything not pass); 2 is for infrastructure and decided by the caller. */
export function exitCodeOf(report: RunReport): number {
  if (report.incomplete) return 2;
  const all = report.kernels.flatMap((k) => k.results);
  if (report.regressions?.length) return 1;
  return all.every((r) => r.status === 'pass') ? 0 : 1;
}
