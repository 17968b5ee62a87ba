// `uringspec fuzz`: the suite writes itself. Scenarios from the synthesizer
// (specs/synth: the whole spec language, boundary values first, then
// mutations of what reached something new) run in batches on a target (one
// compile, one boot on QEMU; a crash ends a scenario, not the run), each
// judged by the model. Every distinct finding (signature: first diff and
// rule, or crash title) not already shown by the corpus on this kernel and
// profile is minimized and saved as a corpus scenario with its reproducer C.
// The same seed gives the same scenarios in the same order (and, where the
// kernel answers the same, the same findings). On a recipe's coverage variant
// the series' added lines each scenario executed are feedback too, and the
// run reports how many of them the generated scenarios reached over time,
// against the corpus.
import { InfraError } from '../core/errors.ts';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { sha256 } from '../core/cache.ts';
import type { Progress } from '../core/progress.ts';
import { shellQuote } from '../core/text.ts';
import { generateProgram } from '../generator/program.ts';
import { cComment } from '../generator/c-literal.ts';
import { generateRepro } from '../generator/repro.ts';
import { FEEDBACK_SOURCES, type FuzzObservation } from '../judge/feedback.ts';
import type { Oracle } from '../judge/oracle.ts';
import type { ScenarioResult } from '../judge/result.ts';
import { findingSignature } from '../judge/signature.ts';
import { MODEL_LIMITS } from '../model/limits.ts';
import type { RuleId } from '../model/rules.ts';
import { writeReportSet } from '../report/index.ts';
import { describeDiff } from '../report/reporter.ts';
import { newReport, type RunReport } from '../report/report.ts';
import { allScenarios, loadSpecsOrThrow, loadSpecText } from '../specs/load.ts';
import { inMemorySpec, specText } from '../specs/memory.ts';
import { minimize, scenarioSize } from '../specs/minimize.ts';
import type { Scenario } from '../specs/schema.ts';
import { featuresOf, Rng, Synth, type Candidate, type SynthStats } from '../specs/synth/index.ts';
import type { makeTarget } from '../exec/targets.ts';
import { batchRunner, type BatchCoverage, type BatchRunner } from './batch.ts';
import { seriesOf } from './coverage.ts';
import { runScenarios } from './run.ts';
import { describeKernel, openTarget, type OpenTarget, type TargetChoice } from './target.ts';

export interface FuzzRequest {
  seed: number;
  /** Stop after this many generated scenarios (undefined: only the budget stops it). */
  count?: number;
  /** Stop after this long, in ms (minimizing the last findings may take a little more). */
  budgetMs?: number;
  batch: number;
  minimize: boolean;
  /** The corpus (hand-written and earlier findings): run first, its signatures are not new findings. */
  corpusDir: string;
  /** Where new findings go, one YAML + one C file each. */
  foundDir: string;
  /** Reports (the gate's formats) and fuzz.json. */
  outDir: string;
  /** Most pairwise rows of the boundary phase. */
  boundaryRows?: number;
  choice: TargetChoice;
  progress: Progress;
  /** One line at a time for a log: progress at least every LOG_EVERY_MS. */
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Opens the target; exec/targets.ts makeTarget unless replaced (tests inject a target that fails midway). */
  makeTarget?: typeof makeTarget;
}

export interface FuzzFinding {
  signature: string;
  id: string;
  file: string;
  cFile: string;
  summary: string;
  diffs: string[];
  /** How the scenario was generated (boundary row, mutation of ..., splice). */
  origin: string;
  /** Scenario number in the run (0-based). */
  index: number;
  minimizedFrom: number;
  size: number;
  /** The minimized scenario failed again the same way when rerun. */
  reproduced: boolean;
  /** The reproducer C could not be generated (a uringspec bug; the run fails after writing everything). */
  reproError?: string;
  scenario: Scenario;
  result: ScenarioResult;
}

export interface CoveragePoint {
  seconds: number;
  scenarios: number;
  features: Record<string, number>;
  findings: number;
  /** A coverage build: the series' executable added lines the generated scenarios executed so far. */
  seriesLines?: number;
}

/** A coverage build: the series' added lines, what the corpus executed of them and what the generated scenarios did. */
export interface FuzzSeriesCoverage {
  /** The kernel the scenarios ran on (the recipe's coverage variant). */
  kernel: string;
  /** Added lines of the series gcov counts (executable). */
  executable: number;
  /** Of those, executed by the corpus run. */
  corpus: number;
  /** Of those, executed by the generated scenarios. */
  generated: number;
  /** Executed by the generated scenarios and by no corpus scenario ("io_uring/kbuf.c:301"). */
  beyondCorpus: string[];
  /** Executed by the corpus and by no generated scenario. */
  corpusOnly: string[];
}

export interface FuzzResult {
  label: string;
  profile: string;
  seed: number;
  scenarios: number;
  /** Generated scenarios not run because the model has no oracle for them (NO_ORACLE_SKIP of them). */
  skippedNoOracle: number;
  /** Generated scenarios not run because they use every rule of a scenario that crashed or left a completion missing (CRASH_SKIP of them). */
  skippedCrash: number;
  batches: number;
  /** Time spent running generated batches (compile + target), without the corpus run and minimization. */
  batchSeconds: number;
  /** Generated scenarios that failed (any signature, new or known). */
  failures: number;
  statuses: Record<string, number>;
  /** The target failed and the run stopped early (exit 2): what was found until then is saved, not minimized. */
  stopped?: string;
  /** The program could not run a valid scenario (status error): a harness gap, never a finding. */
  harnessErrors: { id: string; summary: string }[];
  synth: SynthStats & { boundary: { covered: number; wanted: number } };
  findings: FuzzFinding[];
  /** Signatures the generated scenarios reached that the corpus already shows. */
  known: { signature: string; corpusId: string }[];
  coverage: CoveragePoint[];
  /** A coverage build (the default for a recipe kernel): series lines, corpus against generated. */
  seriesCoverage?: FuzzSeriesCoverage;
  /** What the corpus reaches by the same measure, on this kernel and profile. */
  corpusCoverage: Record<string, number>;
  /** The failure signatures the corpus shows on this kernel and profile. */
  corpusSignatures: string[];
  corpusScenarios: number;
  seconds: number;
  reportFiles: string[];
}

/** Share of the scenarios the model has no oracle for that are not run (they can only show a crash). */
const NO_ORACLE_SKIP = 0.75;
/** Share of the scenarios that use every rule a known crash used that are not run (each may cost a reboot). */
const CRASH_SKIP = 0.9;
/** Share of a time budget the boundary phase may take before feedback takes over. */
const BOUNDARY_SHARE = 0.3;
/** A progress line at least this often in a log. */
export const LOG_EVERY_MS = 15_000;
const MINIMIZE_ROUNDS = 16;
/**
 * Candidates of one finding per batch while minimizing, the most aggressive
 * first: a round usually ends in its first chunk (a step or a ring entry of a
 * generated scenario is mostly noise), and judging all ~20 of every finding
 * made one round of 9 findings take 105 s of a 10-minute run (2026-11-28).
 */
const MINIMIZE_CHUNK = 6;
/** The smallest batch a budget shortens a batch to (a boot costs the same for 1 and for 20). */
const MIN_BATCH = 20;
/** Share of a time budget kept for minimizing the findings at the end. */
const MINIMIZE_SHARE = 0.25;
/** Time a budget keeps for running the minimized findings once more (one batch: a compile and a boot). */
const RERUN_RESERVE_MS = 30_000;
/** Crashing (or hanging) candidates cost a reboot (or a timeout) each: they are tried a few at a time, stopping at the first that fails alike. */
const CRASH_CHUNK = 4;

export async function fuzz(r: FuzzRequest): Promise<FuzzResult> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const deadline = r.budgetMs !== undefined ? t0 + r.budgetMs : Infinity;
  // a time-boxed run stops generating early enough to minimize what it found
  const generateUntil = r.budgetMs !== undefined && r.minimize ? t0 + (1 - MINIMIZE_SHARE) * r.budgetMs : deadline;
  const { target, label, identity, oracle, kind, coverage: cov } = await openTarget(r.choice, r.progress, r.signal, r.makeTarget);
  try {
    return await fuzzOn(r, { target, label, identity, oracle, kind, cov, t0, elapsed, deadline, generateUntil });
  } finally {
    await cov?.dispose();
  }
}

interface FuzzTarget {
  target: OpenTarget['target'];
  label: string;
  identity: OpenTarget['identity'];
  oracle: Oracle;
  kind: 'host' | 'qemu';
  cov: OpenTarget['coverage'];
  t0: number;
  elapsed: () => number;
  deadline: number;
  generateUntil: number;
}

async function fuzzOn(r: FuzzRequest, o: FuzzTarget): Promise<FuzzResult> {
  const { target, label, identity, oracle, kind, cov, elapsed, deadline, generateUntil, t0 } = o;
  // how reproducer headers name the kernel (a recipe by its Debian base and series)
  const kernelLine = (await describeKernel(r.choice, { label, identity })).line;
  // where the batch under way is (the status line shows it: a guest batch takes a minute or more)
  const inBatch = { phase: '', done: 0, total: 0 };
  const batchProgress = (e: { phase: string; done?: number; total?: number }) => {
    if (e.phase !== inBatch.phase) Object.assign(inBatch, { done: 0, total: 0 });
    inBatch.phase = e.phase;
    if (e.done !== undefined) inBatch.done = e.done;
    if (e.total !== undefined) inBatch.total = e.total;
  };
  const now = () => (inBatch.phase ? `; now: ${inBatch.phase}${inBatch.total ? ` ${inBatch.done}/${inBatch.total}` : ''}` : '');
  // a coverage build: every scenario's series lines, by scenario id, as each batch is folded
  const linesOf = new Map<string, ReadonlySet<string>>();
  const lineCoverage: BatchCoverage | undefined = cov
    ? {
        fold: { built: cov.built, series: await seriesOf(cov.built, 'baseline'), cleanup: true, progress: batchProgress },
        onScenario: (s) => linesOf.set(s.id, s.lines),
      }
    : undefined;
  const run = batchRunner(target, oracle, label, batchProgress, r.signal, lineCoverage);
  const observe = (sc: Scenario, res: ScenarioResult): FuzzObservation => {
    const lines = linesOf.get(sc.id);
    linesOf.delete(sc.id);
    return { scenario: sc, result: res, prediction: oracle.predict(sc), ...(lines ? { lines } : {}) };
  };

  // 1. The corpus on this kernel: what is already known, and the coverage to compare with.
  const corpusInputs = [r.corpusDir, ...(existsSync(r.foundDir) && !inside(r.foundDir, r.corpusDir) ? [r.foundDir] : [])];
  const corpusRefs = allScenarios(loadSpecsOrThrow(corpusInputs));
  r.log(`[fuzz] running the corpus first (${corpusRefs.length} scenarios) on ${label}: what it shows is not new`);
  // the corpus takes a minute in a guest: a line every LOG_EVERY_MS meanwhile too
  const corpusTimer = setInterval(
    () => r.log(`[fuzz ${fmtTime(elapsed())}] corpus (${corpusRefs.length} scenarios${now()})`),
    LOG_EVERY_MS,
  );
  corpusTimer.unref();
  const corpusRun = await runScenarios({
    refs: corpusRefs,
    target,
    oracle,
    label,
    reproduce: () => '',
    progress: batchProgress,
    ...signalOf(r),
    ...(lineCoverage ? { coverage: { ...lineCoverage.fold, onScenario: lineCoverage.onScenario } } : {}),
  }).finally(() => clearInterval(corpusTimer));
  Object.assign(inBatch, { phase: '', done: 0, total: 0 });
  const corpusLines = new Set<string>();
  const known = new Map<string, string>();
  /** The model rules of each scenario that crashed or left a completion missing (corpus, then this run). */
  const costlyRules: RuleId[][] = [];
  /** The model's reasons for having no oracle, of those scenarios (numbers left out). */
  const costlyReasons = new Set<string>();
  /**
   * Every path that crashed or left a completion missing is avoided from here on: the same again costs a reboot
   * and a replay, or the end-of-scenario wait for a CQE that does not come (1 s), and teaches nothing.
   */
  const steerAround = (seen: FuzzObservation, sig: string) => {
    if (!sig.startsWith('crash') && !sig.startsWith('fail:cqe.count')) return;
    const p = seen.prediction;
    if (p.kind === 'no-oracle') costlyReasons.add(reasonKey(p.reason));
    else if (p.kind === 'prediction' && !costlyRules.some((k) => sameRules(k, p.rules))) costlyRules.push(p.rules);
  };
  const corpusFeatures = new Set<string>();
  corpusRun.results.forEach((res, i) => {
    const sc = corpusRefs[i]!.spec.spec.scenarios[corpusRefs[i]!.index]!;
    const sig = findingSignature(res);
    if (sig && !known.has(sig)) known.set(sig, sc.id);
    const seen = observe(sc, res);
    if (sig) steerAround(seen, sig);
    for (const l of seen.lines ?? []) corpusLines.add(l);
    for (const f of featuresOf(FEEDBACK_SOURCES, seen)) corpusFeatures.add(f);
  });
  const generatedLines = new Set<string>();
  const seriesTotal = corpusRun.coverage?.executable;
  if (corpusRun.coverage)
    r.log(
      `[fuzz] kernel coverage feedback on ${corpusRun.coverage.kernel}: the corpus executes ${corpusLines.size}/${seriesTotal} executable added lines of the series`,
    );
  const corpusCoverage = bySource(corpusFeatures);

  // 2. Generated batches.
  const synth = new Synth({
    seed: r.seed,
    limits: MODEL_LIMITS,
    ...(r.boundaryRows !== undefined ? { maxBoundaryRows: r.boundaryRows } : {}),
  });
  const statuses: Record<string, number> = {};
  const harnessErrors: FuzzResult['harnessErrors'] = [];
  const knownHit = new Map<string, string>();
  const findings: FuzzFinding[] = [];
  const claimed = new Set<string>();
  const pending: NewFinding[] = [];
  const coverage: CoveragePoint[] = [];
  let scenarios = 0;
  let skippedNoOracle = 0;
  let skippedCrash = 0;
  const skipRng = new Rng(`${r.seed}:no-oracle`);
  let batches = 0;
  let batchSeconds = 0;
  let failures = 0;
  let lastLog = 0;
  let minimizing = false;
  const status = () => {
    if (minimizing) return `[fuzz ${fmtTime(elapsed())}] ${scenarios} scenarios; minimizing ${pending.length} new finding(s)${now()}`;
    const cov = synth.pool.coverage();
    const b = synth.boundaryCoverage();
    return (
      `[fuzz ${fmtTime(elapsed())}] ${scenarios} scenarios (${(scenarios / Math.max(elapsed(), 1e-3)).toFixed(1)}/s, ${synth.inBoundaryPhase ? 'boundary phase' : 'feedback phase'}` +
      now() +
      `), ` +
      `coverage ${Object.entries(cov)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')} (corpus: ${Object.entries(corpusCoverage)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}), boundary items ${b.covered}/${b.wanted}, pool ${synth.pool.entries.length}, ` +
      `findings ${pending.length} new + ${knownHit.size} known` +
      (seriesTotal !== undefined ? `, series lines ${generatedLines.size}/${seriesTotal} (corpus ${corpusLines.size})` : '')
    );
  };
  const logStatus = () => {
    lastLog = performance.now();
    r.log(status());
  };
  // a line every LOG_EVERY_MS even while a long batch runs
  const timer = setInterval(() => {
    if (performance.now() - lastLog >= LOG_EVERY_MS - 100) logStatus();
  }, 1000);
  timer.unref();
  let infra: InfraError | undefined;
  // the status line goes on every LOG_EVERY_MS until the findings are saved
  try {
    try {
      while (!r.signal?.aborted && (r.count === undefined || scenarios < r.count) && performance.now() < generateUntil) {
        if (synth.inBoundaryPhase && r.budgetMs !== undefined && performance.now() - t0 > BOUNDARY_SHARE * r.budgetMs) {
          synth.endBoundaryPhase();
          r.log(`[fuzz] boundary phase ends at ${Math.round(BOUNDARY_SHARE * 100)}% of the budget: feedback from here on`);
        }
        let n = r.count === undefined ? r.batch : Math.min(r.batch, r.count - scenarios);
        // near the end of a budget, a batch no longer than the time left at the rate seen so far
        if (generateUntil !== Infinity && batchSeconds > 0) {
          const fits = Math.floor(((generateUntil - performance.now()) / 1000) * (scenarios / batchSeconds));
          n = Math.max(Math.min(n, fits), Math.min(n, MIN_BATCH));
        }
        const cands: Candidate[] = [];
        while (cands.length < n) {
          const more = synth.next(n - cands.length);
          if (!more.length) throw new Error('the synthesizer made no valid scenario (a uringspec bug)');
          for (const c of more) {
            const p = oracle.predict(c.scenario);
            // the model cannot judge it: only a crash could come of it, and a run costs the same (the more so
            // where the same reason already crashed: most likely the same crash again)
            if (
              p.kind === 'no-oracle' &&
              (p.unrunnable || skipRng.chance(costlyReasons.has(reasonKey(p.reason)) ? CRASH_SKIP : NO_ORACLE_SKIP))
            )
              skippedNoOracle++;
            // it goes where a crash or a missing completion went (every rule of one): time for nothing new, most likely
            else if (
              p.kind === 'prediction' &&
              costlyRules.some((cr) => cr.every((x) => p.rules.includes(x))) &&
              skipRng.chance(CRASH_SKIP)
            )
              skippedCrash++;
            else cands.push(c);
          }
        }
        const tb = performance.now();
        const results = await run(cands.map((c) => c.scenario));
        batchSeconds += (performance.now() - tb) / 1000;
        Object.assign(inBatch, { phase: '', done: 0, total: 0 });
        if (r.signal?.aborted) break;
        batches++;
        results.forEach((res, j) => {
          const c = cands[j]!;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 'error') harnessErrors.push({ id: c.scenario.id, summary: res.summary });
          const seen = observe(c.scenario, res);
          for (const l of seen.lines ?? []) generatedLines.add(l);
          synth.feedback(c, featuresOf(FEEDBACK_SOURCES, seen));
          const sig = findingSignature(res);
          if (!sig) return;
          failures++;
          const corpusId = known.get(sig);
          if (corpusId) knownHit.set(sig, corpusId);
          else if (!claimed.has(sig)) {
            claimed.add(sig);
            pending.push({ c, res, sig, index: scenarios + j });
            r.log(`[fuzz] new: ${sig}  (${c.scenario.id}, ${c.origin}: ${c.detail.slice(0, 80)})`);
          }
          steerAround(seen, sig);
        });
        scenarios += cands.length;
        coverage.push({
          seconds: Math.round(elapsed()),
          scenarios,
          features: synth.pool.coverage(),
          findings: pending.length,
          ...(seriesTotal !== undefined ? { seriesLines: generatedLines.size } : {}),
        });
        logStatus();
      }
    } catch (e) {
      // the target failed (QEMU killed, a guest that no longer boots): what was found so far is still saved
      if (!(e instanceof InfraError) || r.signal?.aborted) throw e;
      infra = e;
      r.log(`[fuzz] stopped: ${e.message}`);
    }
    // all new findings minimized together at the end: every round of every finding is one batch (one boot)
    if (pending.length && !infra) {
      r.log(`[fuzz] minimizing ${pending.length} new finding(s)`);
      minimizing = true;
      try {
        findings.push(...(await saveFindings(r, pending, run, oracle, label, kernelLine, kind, deadline)));
      } catch (e) {
        if (!(e instanceof InfraError) || r.signal?.aborted) throw e;
        infra = e;
        r.log(`[fuzz] minimizing stopped: ${e.message}`);
      }
    }
    if (infra && pending.length && !findings.length) {
      r.log(`[fuzz] saving ${pending.length} new finding(s) as generated (not minimized, not rerun)`);
      findings.push(...(await saveFindings({ ...r, minimize: false }, pending, run, oracle, label, kernelLine, kind, deadline, false)));
    }
  } finally {
    clearInterval(timer);
  }

  const report = fuzzReport(findings, label, oracle.profile, corpusRun.target, elapsed(), !!r.signal?.aborted, infra);
  const result: FuzzResult = {
    label,
    profile: oracle.profile,
    seed: r.seed,
    scenarios,
    skippedNoOracle,
    skippedCrash,
    batches,
    batchSeconds,
    failures,
    statuses,
    harnessErrors,
    ...(infra ? { stopped: infra.message } : {}),
    synth: { ...synth.stats, boundary: synth.boundaryCoverage() },
    findings,
    known: [...knownHit].map(([signature, corpusId]) => ({ signature, corpusId })),
    coverage,
    ...(corpusRun.coverage
      ? {
          seriesCoverage: {
            kernel: corpusRun.coverage.kernel,
            executable: corpusRun.coverage.executable,
            corpus: corpusLines.size,
            generated: generatedLines.size,
            beyondCorpus: [...generatedLines].filter((l) => !corpusLines.has(l)).sort(byLine),
            corpusOnly: [...corpusLines].filter((l) => !generatedLines.has(l)).sort(byLine),
          },
        }
      : {}),
    corpusCoverage,
    corpusSignatures: [...known.keys()].sort(),
    corpusScenarios: corpusRefs.length,
    seconds: elapsed(),
    reportFiles: [],
  };
  const written = writeReportSet(report, r.outDir);
  if (written.failed.length)
    throw new InfraError(`fuzz reports could not be written: ${written.failed.map((f) => `${f.file}: ${f.message}`).join('; ')}`);
  result.reportFiles = written.files;
  const jsonFile = join(r.outDir, 'fuzz.json');
  writeFileSync(jsonFile, JSON.stringify({ ...result, findings: findings.map(({ result: _, scenario: __, ...f }) => f) }, null, 2) + '\n');
  result.reportFiles.push(resolve(jsonFile));
  if (infra)
    throw new InfraError(
      `${infra.message} (fuzz stopped there: its reports, fuzz.json and the ${findings.length} finding(s) found so far, not minimized, are written: ${r.outDir}, ${r.foundDir})`,
      infra.detail,
    );
  const broken = findings.filter((f) => f.reproError);
  if (broken.length)
    throw new Error(
      `${broken.length} finding(s) have no reproducer (a uringspec bug; findings and reports are written in ${r.outDir}): ` +
        broken.map((f) => `${f.id}: ${f.reproError}`).join('; '),
    );
  return result;
}

const reasonKey = (reason: string) => reason.replace(/\d+/g, 'N');
const sameRules = (a: RuleId[], b: RuleId[]) => a.length === b.length && a.every((x) => b.includes(x));

/** A signature seen for the first time, with the scenario that showed it. */
interface NewFinding {
  c: Candidate;
  res: ScenarioResult;
  sig: string;
  index: number;
}

const signalOf = (r: FuzzRequest) => (r.signal ? { signal: r.signal } : {});

/** "io_uring/kbuf.c:99" before "io_uring/kbuf.c:100". */
function byLine(a: string, b: string): number {
  const [fa, la] = [a.slice(0, a.lastIndexOf(':')), Number(a.slice(a.lastIndexOf(':') + 1))];
  const [fb, lb] = [b.slice(0, b.lastIndexOf(':')), Number(b.slice(b.lastIndexOf(':') + 1))];
  return fa === fb ? la - lb : fa.localeCompare(fb);
}

function bySource(features: Iterable<string>): Record<string, number> {
  const by: Record<string, number> = {};
  for (const f of features) {
    const s = f.slice(0, f.indexOf(':'));
    by[s] = (by[s] ?? 0) + 1;
  }
  return by;
}

const inside = (child: string, dir: string) => !relative(resolve(dir), resolve(child)).startsWith('..');

function fmtTime(s: number): string {
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${s.toFixed(0)}s`;
}

/**
 * Shrinks each new finding (all of them together: every round of every
 * finding in one batch), reruns the results once, and writes each as a
 * corpus scenario with its reproducer.
 */
async function saveFindings(
  r: FuzzRequest,
  fresh: NewFinding[],
  run: BatchRunner,
  oracle: Oracle,
  label: string,
  kernelLine: string,
  kind: 'host' | 'qemu',
  deadline: number,
  /** Run the minimized scenarios once more (false: the target is gone; each keeps the result it was found with). */
  rerunThem = true,
): Promise<FuzzFinding[]> {
  // a round that would end past the budget (at the pace of the longest round so far, with the final rerun's
  // time kept) judges nothing, which ends minimization with what it has
  let longestRound = 0;
  /** Findings whose minimization the budget ended (a round it refused), by index. */
  const cut = new Set<number>();
  const timed =
    (i: number, evaluate: (b: Scenario[]) => Promise<(string | undefined)[]>) =>
    async (b: Scenario[]): Promise<(string | undefined)[]> => {
      const t = performance.now();
      if (t + longestRound + (rerunThem ? RERUN_RESERVE_MS : 0) >= deadline || r.signal?.aborted) {
        cut.add(i);
        return b.map(() => undefined);
      }
      const out = await evaluate(b);
      longestRound = Math.max(longestRound, performance.now() - t);
      return out;
    };
  const shared = sharedBatches(run);
  const minimized = await Promise.all(
    fresh.map(async (f, i) => {
      if (!r.minimize) return { scenario: f.c.scenario, changes: [] as string[] };
      // a crash costs a reboot and a hang its whole timeout: those candidates go a few at a time
      const slow = f.sig.startsWith('crash') || f.sig === 'timeout';
      const evaluate = slow ? oneByOne(run, f.sig) : async (b: Scenario[]) => (await shared(b)).map(findingSignature);
      return minimize(f.c.scenario, f.sig, timed(i, evaluate), { maxRounds: MINIMIZE_ROUNDS, chunk: MINIMIZE_CHUNK });
    }),
  );
  mkdirSync(r.foundDir, { recursive: true });
  const named = fresh.map((f, i) => ({ ...f, scenario: { ...minimized[i]!.scenario, id: findingId(f.sig, label, oracle.profile) } }));
  const rerun = rerunThem ? await run(named.map((f) => f.scenario)) : named.map((f) => f.res);
  return named.map((f, i) => {
    const res = rerun[i]!;
    const shown = findingSignature(res) === f.sig ? res : f.res;
    const file = join(r.foundDir, `${f.scenario.id}.yaml`);
    const cFile = join(r.foundDir, `${f.scenario.id}.c`);
    const rel = relative(process.cwd(), file) || file;
    const kernelArgs = kind === 'qemu' ? ['--kernel', r.choice.kernel!] : ['--target', 'host'];
    const runCmd = ['npx', 'uringspec', 'run', rel, ...kernelArgs, '--profile', oracle.profile].map(shellQuote).join(' ');
    const first = shown.diffs[0] ? describeDiff(shown.diffs[0]) : shown.summary;
    const scenario: Scenario = {
      ...f.scenario,
      title: `found by fuzz on ${label}: ${first}`.replace(/\s+/g, ' ').slice(0, 200),
      tags: ['found', `found-${oracle.profile}`],
    };
    const header = [
      `# Found by \`uringspec fuzz --seed ${r.seed}\` on ${label} (model ${oracle.profile}): scenario ${f.index} of the run (${f.c.origin}).`,
      `# signature: ${f.sig}`,
      `# first difference: ${first}`,
      `# minimized: size ${scenarioSize(f.c.scenario)} -> ${scenarioSize(f.scenario)}${minimized[i]!.changes.length ? ` (${minimized[i]!.changes.join('; ')})` : ''}`,
      ...(cut.has(i)
        ? [
            `#   stopped by the time budget, not at a minimum; to go on: ${['npx', 'uringspec', 'minimize', rel, '--scenario', f.scenario.id, ...kernelArgs, '--profile', oracle.profile].map(shellQuote).join(' ')}`,
          ]
        : []),
      `# reproduce: ${runCmd}`,
      `#   or build the standalone reproducer beside this file: ${relative(process.cwd(), cFile) || cFile} (exit 0 pass, 1 fail, 77 skip)`,
      '',
    ].join('\n');
    const text = specText([scenario], header);
    const check = loadSpecText(file, text);
    if (!check.ok) throw new Error(`a finding does not load back (a uringspec bug): ${check.errors[0]!.message}`);
    writeFileSync(file, text);
    const prediction = oracle.predict(scenario);
    const spec = inMemorySpec([scenario], `${scenario.id}.yaml`);
    // a reproducer that cannot be generated is a uringspec bug: said loudly after every finding and report is written
    let reproError: string | undefined;
    let c: string;
    try {
      c =
        prediction.kind === 'prediction'
          ? generateRepro(spec, 0, prediction, { kernel: kernelLine, profile: oracle.profile })
          : generateProgram([{ spec, index: 0 }], { inlineRuntime: true }).c;
    } catch (e) {
      reproError = e instanceof Error ? e.message : String(e);
      c = `/* no reproducer: generating it failed (a uringspec bug): ${cComment(reproError)} */\n`;
    }
    writeFileSync(cFile, c);
    return {
      signature: f.sig,
      id: scenario.id,
      file,
      cFile,
      summary: shown.summary,
      diffs: shown.diffs.map(describeDiff),
      origin: `${f.c.origin}: ${f.c.detail}`,
      index: f.index,
      minimizedFrom: scenarioSize(f.c.scenario),
      size: scenarioSize(f.scenario),
      reproduced: rerunThem && findingSignature(res) === f.sig,
      ...(reproError ? { reproError } : {}),
      scenario,
      result: { ...shown, id: scenario.id, title: scenario.title, file: rel, line: 1, tags: scenario.tags, reproduce: runCmd },
    };
  });
}

/** The id of a finding: its signature in words and a hash of signature, kernel and profile (stable across runs). */
function findingId(sig: string, label: string, profile: string): string {
  const words = sig
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 44)
    .replace(/-$/, '');
  return `found-${words}-${sha256(`${sig}\n${label}\n${profile}`).slice(0, 8)}`;
}

/** Batches requested in the same tick run as one (one compile, one boot). */
function sharedBatches(run: BatchRunner): BatchRunner {
  let queue: { scs: Scenario[]; resolve: (r: ScenarioResult[]) => void; reject: (e: unknown) => void }[] = [];
  return (scs) =>
    new Promise((resolve, reject) => {
      queue.push({ scs, resolve, reject });
      if (queue.length > 1) return;
      setImmediate(() => {
        const q = queue;
        queue = [];
        run(q.flatMap((x) => x.scs)).then(
          (all) => {
            let k = 0;
            for (const x of q) {
              x.resolve(all.slice(k, k + x.scs.length));
              k += x.scs.length;
            }
          },
          (e) => q.forEach((x) => x.reject(e)),
        );
      });
    });
}

/** Candidates a few at a time, in order, until one fails alike (the rest left unjudged: minimize takes the first). */
function oneByOne(run: BatchRunner, sig: string) {
  return async (batch: Scenario[]) => {
    const out: (string | undefined)[] = batch.map(() => undefined);
    for (let i = 0; i < batch.length; i += CRASH_CHUNK) {
      const res = await run(batch.slice(i, i + CRASH_CHUNK));
      res.forEach((x, j) => (out[i + j] = findingSignature(x)));
      if (out.slice(i, i + CRASH_CHUNK).includes(sig)) break;
    }
    return out;
  };
}

function fuzzReport(
  findings: FuzzFinding[],
  label: string,
  profile: string,
  target: RunReport['kernels'][number]['target'],
  seconds: number,
  aborted: boolean,
  infra?: InfraError,
): RunReport {
  const report = newReport(new Date(Date.now() - seconds * 1000));
  report.kernels.push({ label, profile, target, results: findings.map((f) => f.result) });
  report.durationMs = Math.round(seconds * 1000);
  if (aborted || infra) {
    report.incomplete = true;
    report.incompleteReason = aborted ? 'interrupted' : `the target failed: ${infra!.message}`;
  }
  return report;
}
