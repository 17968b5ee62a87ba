// The result of a run, as every reporter consumes it. The JSON reporter
// writes exactly this shape (documented in docs/report-json.md).
import type { KernelIdentity, TargetInfo } from '../core/target.ts';
import type { SeriesCoverage } from '../coverage/series-coverage.ts';
import { VERSION } from '../core/version.ts';
import type { CorpusIdentity, Shard } from '../specs/select.ts';
import type { BisectReport, FindingBisect } from '../judge/bisect.ts';
import type { PeerResult } from '../judge/peer.ts';
import type { ScenarioResult } from '../judge/result.ts';
import { EXIT } from '../core/errors.ts';
import { OUTCOME, type VerdictStatus } from '../judge/verdict.ts';

export type { ScenarioResult };

export interface KernelRun {
  /** Label of the kernel: recipe name, image path, or "host <release>". */
  label: string;
  /** The model profile the observations were compared with. */
  profile: string;
  target: TargetInfo;
  /** Which image exactly: report merge refuses shards that ran different ones. */
  image?: KernelIdentity;
  results: ScenarioResult[];
  /** liburing's own tests run in the same boot (gate only). */
  peer?: PeerResult[];
  /** The series under test this kernel carries (gate: beyond what the baseline has). */
  series?: SeriesRef[];
  /** Set when this kernel's run failed: why. Its scenarios are then 'lost'. */
  error?: string;
  /** --coverage: the series' added lines the scenarios executed, measured on this recipe's coverage variant. */
  coverage?: SeriesCoverage;
}

/** A patch series as a report names it. */
export interface SeriesRef {
  /** Subject of the cover letter, else of patch 1, without the [PATCH] tags. */
  subject: string;
  /** That message's bracketed tags as posted, e.g. "PATCHSET RFC 0/7". */
  tags: string;
  version: number;
  /** That message's Message-ID, when the input shows it (a thread page does not). */
  messageId?: string;
  patches: number;
  /** The file or directory it was read from. */
  input: string;
}

/** One line: [PATCHSET RFC 0/7] Add support for provided registered buffers (v1, 7 patches, <msgid>). */
export function describeSeries(s: SeriesRef): string {
  const id = s.messageId ? `<${s.messageId}>` : 'no Message-ID in the input';
  return `[${s.tags}] ${s.subject} (v${s.version}, ${s.patches} patch${s.patches === 1 ? '' : 'es'}, ${id})`;
}

export interface RunReport {
  tool: 'uringspec';
  version: string;
  startedAt: string;
  durationMs: number;
  kernels: KernelRun[];
  /** Every scenario the run was asked to run (all shards together). */
  corpus?: CorpusIdentity;
  /** This run's part of the corpus, when sharded (gate --shard i/n). */
  shard?: Shard;
  /** A merged report: how many shards it was merged from. */
  mergedShards?: number;
  /** True when the run was interrupted or an infrastructure error stopped it: results are partial. */
  incomplete: boolean;
  /** Why the run is incomplete, when it is. */
  incompleteReason?: string;
  /** Peer-suite tests that pass on the baseline and fail on the patched kernel. */
  regressions?: string[];
  /** gate --bisect: the patch of the series each finding on the patched kernel appears with. */
  bisect?: BisectReport;
}

export type { BisectReport, FindingBisect };

/** The bisection of one finding, when this kernel is the one bisected. */
export function bisectOf(report: RunReport, k: KernelRun, id: string): FindingBisect | undefined {
  return report.bisect?.kernel === k.label ? report.bisect.findings.find((f) => f.id === id) : undefined;
}

/** An empty report, started now. */
export function newReport(started = new Date()): RunReport {
  return { tool: 'uringspec', version: VERSION, startedAt: started.toISOString(), durationMs: 0, kernels: [], incomplete: false };
}

export type Totals = Record<VerdictStatus, number> & { total: number };

export function totals(results: ScenarioResult[]): Totals {
  const t: Totals = { pass: 0, fail: 0, 'no-oracle': 0, crash: 0, timeout: 0, error: 0, lost: 0, total: results.length };
  for (const r of results) t[r.status]++;
  return t;
}

/**
 * The exit code of `run`, `gate` and `report merge`, decided here only:
 * 2 infrastructure: the run is incomplete, or a scenario ended in `error` or
 *   `lost`: a result set with holes is no verdict, even if it also holds failures;
 * 1 a conformance failure (fail, crash, timeout) or a liburing regression;
 * 0 every scenario passed or has no oracle (no-oracle is counted and shown in
 *   every report, never a failure).
 */
export function exitCodeOf(report: RunReport): number {
  const outcomes = new Set(report.kernels.flatMap((k) => k.results.map((r) => OUTCOME[r.status])));
  if (report.incomplete || outcomes.has('infrastructure')) return EXIT.infra;
  if (outcomes.has('failure') || report.regressions?.length) return EXIT.fail;
  return EXIT.pass;
}
