// Runs scenarios on a target and judges each observation: the one path every
// command (run, gate, repro checks) goes through. Data flows one way:
// specs → generated C → compiled binary → target → events → verdicts.
import { generateProgram } from '../generator/program.ts';
import type { LoadedSpec } from '../specs/load.ts';
import type { Scenario } from '../specs/schema.ts';
import { compileProgram, type CompiledProgram } from './compile.ts';
import { parseEvents, type Observation } from './events.ts';
import { cqesForReport, type KernelRun, type ScenarioResult } from './report.ts';
import type { ItemResult, Progress, RunItem, Target, TargetFile } from './target.ts';
import type { NoOracle, Prediction } from '../model/prediction.ts';
import type { Verdict } from './verdict.ts';

export interface ScenarioRef {
  spec: LoadedSpec;
  index: number;
}

export const scenarioOf = (r: ScenarioRef): Scenario => r.spec.spec.scenarios[r.index]!;

/** Judges one observation; the model-backed oracle lives in oracle.ts. */
export interface Oracle {
  profile: string;
  judge(sc: Scenario, obs: Observation): Verdict;
  /** The model's prediction, for reproducers that compile it into checks. */
  predict(sc: Scenario): Prediction | NoOracle;
}

export const GUEST_SUITE_PATH = '/uspec/uringspec-suite';

export function allScenarios(specs: LoadedSpec[]): ScenarioRef[] {
  return specs.flatMap((spec) => spec.spec.scenarios.map((_, index) => ({ spec, index })));
}

export async function buildSuite(refs: ScenarioRef[]): Promise<CompiledProgram> {
  return compileProgram(generateProgram(refs));
}

export interface RunOptions {
  refs: ScenarioRef[];
  target: Target;
  oracle: Oracle;
  label: string;
  /** How to rerun one scenario, for the report: receives the scenario id. */
  reproduce: (ref: ScenarioRef) => string;
  progress?: Progress;
  signal?: AbortSignal;
  compiled?: CompiledProgram;
}

/** The run items (one per scenario) and the file the target must carry. */
export function scenarioItems(refs: ScenarioRef[], compiled: CompiledProgram, kind: 'host' | 'qemu'): { items: RunItem[]; files: TargetFile[] } {
  const argv0 = kind === 'qemu' ? GUEST_SUITE_PATH : compiled.binary;
  // Scenarios tagged may-crash run first, on a freshly booted kernel: memory
  // bugs that read stale slab contents show up (or not) depending on what ran
  // before. Results are still reported in spec order.
  const ordered = [...refs.filter((r) => scenarioOf(r).tags.includes('may-crash')), ...refs.filter((r) => !scenarioOf(r).tags.includes('may-crash'))];
  const items = ordered.map((r) => {
    const sc = scenarioOf(r);
    return { id: sc.id, argv: [argv0, sc.id], timeoutMs: sc.timeout_ms };
  });
  return { items, files: [{ hostPath: compiled.binary, guestPath: GUEST_SUITE_PATH, mode: 0o755 }] };
}

/** Turns target results into judged scenario results, in spec order. */
export function judgeItems(refs: ScenarioRef[], results: ItemResult[], oracle: Oracle, reproduce: (ref: ScenarioRef) => string): ScenarioResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  return refs.map((ref) => resultOf(ref, byId.get(scenarioOf(ref).id), oracle, reproduce));
}

export async function runScenarios(opts: RunOptions): Promise<KernelRun> {
  const compiled = opts.compiled ?? (await buildSuite(opts.refs));
  const { items, files } = scenarioItems(opts.refs, compiled, opts.target.kind);
  const { results, info } = await opts.target.run(items, files, opts.progress, opts.signal);
  return { label: opts.label, profile: opts.oracle.profile, target: info, results: judgeItems(opts.refs, results, opts.oracle, opts.reproduce) };
}

function resultOf(ref: ScenarioRef, item: ItemResult | undefined, oracle: Oracle, reproduce: (ref: ScenarioRef) => string): ScenarioResult {
  const sc = scenarioOf(ref);
  const base = {
    id: sc.id,
    title: sc.title,
    file: ref.spec.file,
    line: ref.spec.lineOf(['scenarios', ref.index]),
    tags: sc.tags,
    reproduce: reproduce(ref),
  };
  if (!item) return { ...base, ...infra('error', 'the target returned no result for this scenario'), durationMs: 0, cqes: [], kernelSplats: [] };
  const obs = parseEvents(item.stdout);
  const common = { durationMs: item.durationMs, cqes: cqesForReport(obs.cqes), kernelSplats: item.kernelSplats, ...(item.consoleTail ? { consoleTail: item.consoleTail } : {}) };
  const verdict = verdictOf(sc, item, obs, oracle);
  return { ...base, ...common, status: verdict.status, summary: verdict.summary, diffs: verdict.diffs, pinConflicts: verdict.pinConflicts ?? [], ...(verdict.expected ? { expected: verdict.expected } : {}) };
}

function infra(status: 'error' | 'crash' | 'timeout', summary: string): Pick<ScenarioResult, 'status' | 'summary' | 'diffs' | 'pinConflicts'> {
  return { status, summary, diffs: [], pinConflicts: [] };
}

function verdictOf(sc: Scenario, item: ItemResult, obs: Observation, oracle: Oracle): Verdict {
  switch (item.status) {
    case 'crashed':
      return { status: 'crash', summary: `the kernel crashed while this scenario ran: ${crashHeadline(item)}`, diffs: splatDiffs(item) };
    case 'timeout':
      return { status: 'timeout', summary: `no result within ${sc.timeout_ms} ms`, diffs: splatDiffs(item) };
    case 'missing':
      return { status: 'error', summary: 'never ran (the run was interrupted)', diffs: [] };
    case 'signaled':
      return { status: 'crash', summary: `the scenario program died with signal ${item.signal ?? '?'}`, diffs: splatDiffs(item) };
    case 'exited':
      break;
  }
  if (item.exitCode !== 0 || obs.fatal || !obs.complete)
    return { status: 'error', summary: obs.fatal ?? `the scenario program exited with ${item.exitCode}${obs.complete ? '' : ' before its end line'}`, diffs: [] };
  const v = oracle.judge(sc, obs);
  if (item.kernelSplats.length) {
    // A kernel warning while the scenario ran is a failure even if the CQEs looked right.
    return { ...v, status: v.status === 'pass' || v.status === 'no-oracle' ? 'fail' : v.status, summary: `kernel log: ${item.kernelSplats[0]}`, diffs: [...splatDiffs(item), ...v.diffs] };
  }
  return v;
}

/** The line that names the crash ("BUG: unable to handle page fault ...") and the io_uring frame it happened under. */
function crashHeadline(item: ItemResult): string {
  const lines = [...item.kernelSplats, ...(item.consoleTail ?? '').split('\n')];
  const head = lines.find((l) => /BUG:|general protection fault|KASAN:|Oops:|kernel BUG/.test(l)) ?? lines.find((l) => /Kernel panic/.test(l)) ?? 'no panic message captured';
  const frame = (item.consoleTail ?? '').split('\n').find((l) => /\bio_\w+\+0x/.test(l))?.trim().replace(/^\? /, '');
  return `${head.replace(/^\[[^\]]*\]\s*/, '').trim()}${frame ? ` (in ${frame})` : ''}`;
}

function splatDiffs(item: ItemResult) {
  return item.kernelSplats.slice(0, 3).map((l) => ({ where: 'kernel log', field: 'splat', expected: 'none', got: l }));
}
