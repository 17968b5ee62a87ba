// Bisection over a patch series: for every finding of the full series (a
// scenario that fails, crashes or hangs there), the patch it appears with.
// Each prefix of the series (kernel/prefixes.ts: 0 = the prerequisites alone,
// then + patch 1, + 1..2, ...) is built (incrementally, on the object dir all
// of them share, and cached by content) and booted once with only the
// findings' scenarios; the judge/bisect.ts verdicts say where each finding
// appears. Builds run one after another (they share a source tree), a boot
// overlaps the next build, and two prefixes boot at once (TCG runs a guest on
// one core).
//
// Which model judges a prefix: the full series' profile, for every prefix.
// The question is not "is this prefix correct?" (a prefix without the
// feature is correct by the baseline's rules, and judged by them it would
// pass or fail for unrelated reasons) but "does this prefix already do what
// the full series does wrong?". Judged by one profile, every prefix meets the
// same expectation, and its answer is compared with the full series' answer
// through the bisection signature (judge/signature.ts). A prefix without the
// feature fails too, but differently (-EOPNOTSUPP where the full series sends
// 10 bytes from the wrong buffer), so it does not count as the finding.
//
// Then each finding is traced to code (`blame`): the patch the reply goes to
// and the hunk it quotes. Usually the patch it appears with; sometimes an
// earlier one whose code only becomes reachable with it (the u16 index
// truncation is in 6/7's io_ubuf_from_buf, reachable from send zc with 7/7).
// The evidence, strongest first:
//   1. a crash frame's source line, blamed (git blame on the full series'
//      branch) on a patch of the series no later than the one it appears
//      with: the hunk holding that line;
//   2. a model rule behind the finding's differences that cites a patch
//      (model/rules.ts: "patch 6/7 io_ubuf_from_buf ..."), no later than the
//      one it appears with: the hunk of that patch that defines or changes
//      the code it names;
//   3. in the patch it appears with, the hunk that defines, changes or sits
//      in a function the evidence names (crash frames, rule sources);
//   4. else that patch's first hunk.
import { BuildError } from '../kernel/build-error.ts';
import { InfraError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { Target } from '../core/target.ts';
import { buildSuite, scenarioItems } from '../exec/suite.ts';
import { makeTarget, type Accel } from '../exec/targets.ts';
import {
  classify,
  describeBisect,
  type Blame,
  type BisectReport,
  type FindingBisect,
  type PatchRef,
  type PrefixOutcome,
  type PrefixRun,
} from '../judge/bisect.ts';
import { judgeItems } from '../judge/judge-items.ts';
import { modelOracle } from '../judge/oracle.ts';
import type { ScenarioResult } from '../judge/result.ts';
import { bisectSignature } from '../judge/signature.ts';
import { blameLines } from '../kernel/blame.ts';
import { buildKernel, type BuiltKernel } from '../kernel/build.ts';
import { seriesPrefixes, type SeriesPrefix } from '../kernel/prefixes.ts';
import type { Recipe } from '../kernel/recipe.ts';
import type { ProfileName } from '../model/profiles.ts';
import { RULES } from '../model/rules.ts';
import { describeDiff } from '../report/reporter.ts';
import { hunkAtLine, hunkForNames, hunksOf, type Hunk } from '../series/hunks.ts';
import type { Patch } from '../series/schema.ts';
import { scenarioOf, type ScenarioRef } from '../specs/load.ts';

export interface BisectRequest {
  /** The full series' recipe: its last patch entry is the series under test. */
  recipe: Recipe;
  /** The full series' model profile; every prefix is judged with it. */
  profile: ProfileName;
  /** The scenarios that ran on the full series. */
  refs: ScenarioRef[];
  /** Their results there (by id); those with a bisection signature are the findings. */
  full: ScenarioResult[];
  accel: Accel;
  progress: Progress;
  signal?: AbortSignal;
  /** Prefixes booted at once (default 2). */
  parallel?: number;
  /** Builds a prefix (default kernel/build.ts buildKernel; tests make one fail). */
  build?: (
    recipe: Recipe,
    o: { signal?: AbortSignal; log: (line: string) => void },
  ) => Promise<Pick<BuiltKernel, 'vmlinux' | 'cacheHit' | 'seconds'>>;
  /** Opens the target that boots a built prefix (default: QEMU on its vmlinux). */
  open?: (image: string, label: string) => Promise<Target>;
  /** The full series' patched tree (for git blame); found by building the recipe (a cache hit) when not given. */
  tree?: { tree: string; branch: string };
}

/** A finding with what the mail needs beside the report's record of it. */
export interface BisectedFinding {
  ref: ScenarioRef;
  result: ScenarioResult;
  bisect: FindingBisect;
  /** The patch the reply goes to, and the hunk and line it quotes. */
  quote?: { patch: Patch; hunk: Hunk; at: number };
}

export interface BisectOutcome {
  report: BisectReport;
  findings: BisectedFinding[];
  /** The series' patches, in order. */
  patches: Patch[];
}

export const patchRef = (p: Patch): PatchRef => ({
  index: p.index,
  total: p.total,
  tags: p.tags,
  subject: p.subject,
  ...(p.messageId ? { messageId: p.messageId } : {}),
});

/** The first line of an error, and whether it is the kernel's (a prefix to skip) or ours. */
function skipReason(err: unknown, what: 'build' | 'boot'): string {
  const first = (err as Error).message.split('\n')[0]!;
  if (what === 'boot') return `did not boot: ${first}`;
  return /does not apply/.test(first) ? first : `does not build: ${first}`;
}

export async function bisectSeries(r: BisectRequest): Promise<BisectOutcome> {
  const byId = new Map(r.full.map((x) => [x.id, x]));
  const findings = r.refs.flatMap((ref) => {
    const result = byId.get(scenarioOf(ref).id);
    const signature = result && bisectSignature(result);
    return result && signature ? [{ ref, result, signature }] : [];
  });
  const { series, prefixes } = await seriesPrefixes(r.recipe);
  const patches = series.patches;
  const refs = patches.map(patchRef);
  const n = patches.length;
  const report: BisectReport = {
    series: {
      subject: series.coverSubject ?? patches[0]?.subject ?? '',
      version: series.version,
      ...(patches[0]?.messageId ? { messageId: patches[0].messageId } : {}),
      patches: refs,
    },
    kernel: r.recipe.name,
    profile: r.profile,
    prefixes: [],
    findings: [],
  };
  if (!findings.length) return { report, findings: [], patches };

  const findingRefs = findings.map((f) => f.ref);
  const compiled = await buildSuite(findingRefs, r.signal ? { signal: r.signal } : {});
  const oracle = await modelOracle(r.profile);
  const build =
    r.build ??
    ((recipe: Recipe, o: { signal?: AbortSignal; log: (line: string) => void }) =>
      buildKernel(recipe, { log: o.log, ...(o.signal ? { signal: o.signal } : {}) }));
  const open =
    r.open ??
    (async (image: string) =>
      (await makeTarget({ kind: 'qemu', kernel: image, accel: r.accel, ...(r.signal ? { signal: r.signal } : {}) })).target);

  // outcomes[finding][prefix]; the full series is 'same' by definition.
  const outcomes: PrefixOutcome[][] = findings.map(() => [...Array<PrefixOutcome>(n).fill('skipped'), 'same']);
  const details: string[][] = findings.map(() => [...Array<string>(n).fill('not run'), 'the full series']);
  const runs: PrefixRun[] = [];
  const skip = (run: PrefixRun, reason: string) => {
    run.status = 'skipped';
    run.reason = reason;
    for (const d of details) d[run.index] = reason;
  };

  const runPrefix = async (p: SeriesPrefix, image: string, run: PrefixRun) => {
    const t0 = Date.now();
    const progress: Progress = (e) => r.progress({ ...e, phase: `bisect ${p.index}/${n}: ${e.phase}` });
    try {
      const target = await open(image, p.recipe.name);
      const { items, files } = scenarioItems(findingRefs, compiled, target.kind);
      progress({ phase: 'boot', detail: `${items.length} scenario(s) on ${p.recipe.name}` });
      const ran = await target.run(items, files, progress, r.signal);
      const judged = judgeItems(findingRefs, ran.results, oracle, () => '');
      judged.forEach((res, i) => {
        const sig = bisectSignature(res);
        outcomes[i]![p.index] =
          res.status === 'pass'
            ? 'pass'
            : res.status === 'error' || res.status === 'lost' || res.status === 'no-oracle'
              ? 'no-verdict'
              : sig === findings[i]!.signature
                ? 'same'
                : 'other';
        details[i]![p.index] = res.status === 'fail' && res.diffs[0] ? describeDiff(res.diffs[0]) : res.summary;
      });
      run.runSeconds = (Date.now() - t0) / 1000;
    } catch (err) {
      if (!(err instanceof InfraError)) throw err;
      skip(run, skipReason(err, 'boot'));
    }
  };

  // Builds one after another; each built prefix boots while the next one builds, `parallel` at a time.
  const parallel = Math.max(1, r.parallel ?? 2);
  const active = new Set<Promise<void>>();
  const errors: unknown[] = [];
  for (const p of prefixes.slice(0, n)) {
    if (r.signal?.aborted) break;
    const run: PrefixRun = { index: p.index, label: p.recipe.name, status: 'ran' };
    runs.push(run);
    r.progress({
      phase: `bisect ${p.index}/${n}`,
      detail: `building ${p.recipe.name}${p.patch ? ` (+ ${p.patch.index}/${n} ${p.patch.subject})` : ''}`,
    });
    let built;
    try {
      built = await build(p.recipe, {
        ...(r.signal ? { signal: r.signal } : {}),
        log: (line) => r.progress({ phase: `bisect ${p.index}/${n}: kernel`, detail: line }),
      });
      run.buildSeconds = built.seconds;
      run.cacheHit = built.cacheHit;
    } catch (err) {
      if (!(err instanceof BuildError) || r.signal?.aborted) throw err;
      skip(run, skipReason(err, 'build'));
      continue;
    }
    while (active.size >= parallel) await Promise.race(active);
    const job: Promise<void> = runPrefix(p, built.vmlinux, run)
      .catch((e: unknown) => void errors.push(e))
      .finally(() => active.delete(job));
    active.add(job);
  }
  await Promise.all(active);
  if (errors.length) throw errors[0];
  report.prefixes = runs;

  const tree = r.tree ?? (await fullTree(r.recipe, r.signal));
  const out: BisectedFinding[] = [];
  for (const [i, f] of findings.entries()) {
    const steps = outcomes[i]!.map((outcome, prefix) => ({ prefix, outcome, detail: details[i]![prefix]! }));
    const verdict = classify(outcomes[i]!, refs);
    // The patch whose code is blamed may be no later than the one the finding appears with.
    const upTo = verdict.patch?.index ?? verdict.candidates?.[verdict.candidates.length - 1]?.index;
    const quote = upTo
      ? await blame(
          f.result,
          patches,
          upTo,
          verdict.candidates?.map((c) => c.index),
          tree,
        )
      : undefined;
    const blameRef: Blame | undefined = quote && {
      patch: patchRef(quote.patch),
      file: quote.hunk.file,
      hunk: quote.hunk.header,
      how: quote.how,
    };
    const bisect: FindingBisect = {
      id: f.result.id,
      file: f.result.file,
      line: f.result.line,
      signature: f.signature,
      ...verdict,
      ...(blameRef ? { blame: blameRef } : {}),
      steps,
      text: describeBisect(
        { ...verdict, ...(blameRef ? { blame: blameRef } : {}) },
        steps.map((x) => x.outcome),
      ),
    };
    report.findings.push(bisect);
    out.push({
      ref: f.ref,
      result: f.result,
      bisect,
      ...(quote ? { quote: { patch: quote.patch, hunk: quote.hunk, at: quote.at } } : {}),
    });
  }
  return { report, findings: out, patches };
}

/** The full series' patched branch, for git blame: its build is in the cache by now (a hit). */
async function fullTree(recipe: Recipe, signal?: AbortSignal): Promise<{ tree: string; branch: string } | undefined> {
  try {
    const k = await buildKernel(recipe, { quiet: true, ...(signal ? { signal } : {}) });
    return { tree: k.tree, branch: k.branch };
  } catch (err) {
    if (err instanceof InfraError) return undefined;
    throw err;
  }
}

/**
 * What a rule's source cites, part by part (";"-separated): the patch, the
 * identifiers it names ("patch 6/7 io_ubuf_from_buf (...)" -> 6,
 * [io_ubuf_from_buf]), and its other words as hints ("commits nbufs" ->
 * commit, nbufs) to choose between hunks that name the same function.
 */
export function ruleCitations(source: string): { patch?: number; names: string[]; hints: string[] }[] {
  return source.split(';').map((part) => {
    const m = /\bpatch (\d+)\/\d+\b/.exec(part);
    const text = part
      .replace(/\bpatch \d+\/\d+\b/, ' ')
      .replace(/\([^)]*\)/g, ' ')
      .replace(/"[^"]*"/g, ' ')
      .replace(/[\w.-]+\/[\w./-]+\.[a-z]+\b/g, ' ');
    const words = text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
    const names = [...new Set(words.filter((w) => w.includes('_')))];
    const hints = [...new Set(words.filter((w) => !w.includes('_') && /^[a-z]{4,}$/.test(w)).map((w) => w.replace(/s$/, '')))];
    return { ...(m ? { patch: Number(m[1]) } : {}), names, hints };
  });
}

interface Quote {
  patch: Patch;
  hunk: Hunk;
  at: number;
  how: string;
}

/** The patch and hunk a finding is traced to (the rules in this file's header, in order). */
async function blame(
  result: ScenarioResult,
  patches: Patch[],
  upTo: number,
  candidates: number[] | undefined,
  tree: { tree: string; branch: string } | undefined,
): Promise<Quote | undefined> {
  const n = patches.length;
  const allowed = (k: number) => k >= 1 && k <= upTo && (!candidates || candidates.includes(k) || k < candidates[0]!);
  const frames = result.crash?.frames ?? [];
  // 1. The crash's own lines, blamed on the series.
  if (tree) {
    const locations = frames.flatMap((f) => (f.where ?? []).map((where) => ({ fn: f.fn, where })));
    const blamed = await blameLines(
      tree.tree,
      tree.branch,
      n,
      locations.map((l) => l.where),
    );
    for (const [i, b] of blamed.entries()) {
      if (!b || !allowed(b.patch)) continue;
      const hit = hunkAtLine(hunksOf(patches[b.patch - 1]!), b.file, b.line);
      if (hit)
        return {
          patch: patches[b.patch - 1]!,
          ...hit,
          how: `the crash's frame ${locations[i]!.fn} (${locations[i]!.where}) runs a line ${b.patch}/${n} added`,
        };
    }
  }
  // 2. A model rule behind the differences that cites a patch.
  const rules = [...new Set(result.diffs.flatMap((d) => (d.rule && d.rule in RULES ? [d.rule as keyof typeof RULES] : [])))];
  for (const id of rules) {
    for (const c of ruleCitations(RULES[id].source)) {
      if (c.patch === undefined || !allowed(c.patch)) continue;
      const choice = hunkForNames(hunksOf(patches[c.patch - 1]!), c.names, c.hints);
      if (choice)
        return {
          patch: patches[c.patch - 1]!,
          hunk: choice.hunk,
          at: choice.at,
          how: `the model rule ${id} cites ${choice.name} of ${c.patch}/${n}`,
        };
    }
  }
  // 3. What the evidence names, in the patch the finding appears with.
  const patch = patches[upTo - 1]!;
  const names = [...frames.map((f) => f.fn), ...rules.flatMap((id) => ruleCitations(RULES[id].source).flatMap((c) => c.names))];
  const choice = hunkForNames(hunksOf(patch), [...new Set(names)]);
  if (choice)
    return {
      patch,
      hunk: choice.hunk,
      at: choice.at,
      how: `the hunk of ${upTo}/${n} that ${choice.how} ${choice.name}, which the ${frames.some((f) => f.fn === choice.name) ? "crash's call trace" : 'model rule'} names`,
    };
  // 4. Nothing names its code.
  const first = hunksOf(patch)[0];
  return first
    ? {
        patch,
        hunk: first,
        at: Math.max(
          0,
          first.lines.findIndex((l) => /^[+-]/.test(l)),
        ),
        how: `the first hunk of ${upTo}/${n}: nothing in the evidence names its code`,
      }
    : undefined;
}
