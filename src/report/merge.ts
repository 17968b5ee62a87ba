// Combines the JSON reports of sharded gate runs into one report: results of
// the same kernel are joined in spec order, the peer suite (run by shard 1
// only) is kept once, regressions are recomputed, series coverage is joined
// (a line any shard executed is executed).
//
// A merged report is a verdict, so the set must be whole: every shard 1..n
// of one split exactly once, all of the same corpus (ids and content), the
// same kernel images, the same uringspec, and together a result for every
// scenario on every kernel. Anything else is refused (MergeError, exit 2)
// naming what is wrong: one shard of 61 once merged into "2/2 pass".
import { InfraError } from '../core/errors.ts';
import type { KernelIdentity } from '../core/target.ts';
import { regressions } from '../judge/peer.ts';
import { totals, type KernelRun, type RunReport } from './report.ts';
import { mergeCoverage } from '../coverage/series-coverage.ts';

export class MergeError extends InfraError {}

/** A list for a message: the first few, then how many more. */
function few(items: string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

const imageText = (i: KernelIdentity | undefined, k: KernelRun): string =>
  i
    ? `${i.label}${i.cacheKey ? ` (cache key ${i.cacheKey})` : ''}${i.sha256 ? ` (sha256 ${i.sha256.slice(0, 16)})` : ''}${i.uname ? ` (${i.uname})` : ''}`
    : k.label;

const kernelText = (k: KernelRun): string => `${imageText(k.image, k)}, model ${k.profile}`;

const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const list = (x: unknown, each: (e: unknown) => boolean = () => true) => Array.isArray(x) && x.every(each);
const isStr = (x: unknown) => typeof x === 'string';
const isNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
/** Verdict statuses, as totals() counts them. */
const STATUSES = Object.keys(totals([])).filter((k) => k !== 'total');

/** What is wrong with one result for the reporters, or undefined. */
function resultProblem(r: unknown): string | undefined {
  if (!obj(r) || !isStr(r.id) || !isStr(r.file) || !isNum(r.line)) return 'has no id, file and line';
  if (!STATUSES.includes(r.status as string)) return `has status ${JSON.stringify(r.status)}, not one of ${STATUSES.join(', ')}`;
  for (const k of ['title', 'summary', 'reproduce']) if (!isStr(r[k])) return `has no ${k}`;
  if (!isNum(r.durationMs)) return 'has no durationMs';
  for (const k of ['tags', 'kernelSplats']) if (!list(r[k], isStr)) return `${k} is not a list of strings`;
  const diff = (d: unknown) => obj(d) && ['where', 'field', 'expected', 'got'].every((k) => isStr(d[k]));
  for (const k of ['diffs', 'pinConflicts']) if (!list(r[k], diff)) return `${k} is not a list of {where, field, expected, got}`;
  if (!list(r.cqes, (c) => obj(c) && isNum(c.step) && isStr(c.userData) && isNum(c.res) && isNum(c.flags)))
    return 'cqes is not a list of {step, userData, res, flags}';
  if (r.expected !== undefined && !list(r.expected, obj)) return 'expected is not a list';
  return undefined;
}

/** What keeps a parsed JSON value from being a report that merge and the reporters can read, or undefined. */
export function reportShapeProblem(v: unknown): string | undefined {
  if (!obj(v) || v.tool !== 'uringspec') return 'not a uringspec JSON report';
  if (!isStr(v.version) || !isStr(v.startedAt) || !isNum(v.durationMs) || typeof v.incomplete !== 'boolean')
    return 'no version, startedAt, durationMs or incomplete';
  if (!Array.isArray(v.kernels)) return '"kernels" is not a list';
  for (const [i, k] of v.kernels.entries()) {
    if (!obj(k) || !isStr(k.label) || !isStr(k.profile)) return `kernels[${i}] has no label or profile`;
    if (!obj(k.target) || !isStr(k.target.kind) || !isStr(k.target.kernel)) return `kernels[${i}].target is not {kind, kernel}`;
    if (!Array.isArray(k.results)) return `kernels[${i}].results is not a list`;
    for (const [j, r] of k.results.entries()) {
      const problem = resultProblem(r);
      if (problem) return `kernels[${i}].results[${j}] ${problem}`;
    }
    const peer = (p: unknown) =>
      obj(p) && isStr(p.test) && isStr(p.status) && isNum(p.durationMs) && list(p.kernelSplats, isStr) && isStr(p.tail);
    if (k.peer !== undefined && !list(k.peer, peer)) return `kernels[${i}].peer is not a list of liburing test results`;
    if (k.image !== undefined && !(obj(k.image) && isStr(k.image.label))) return `kernels[${i}].image is not {label, ...}`;
  }
  if (v.regressions !== undefined && !list(v.regressions, isStr)) return '"regressions" is not a list of strings';
  const c = v.corpus;
  if (c !== undefined && !(obj(c) && isStr(c.hash) && isNum(c.count) && list(c.ids, isStr))) return '"corpus" is not {count, hash, ids}';
  const s = v.shard;
  if (
    s !== undefined &&
    !(
      obj(s) &&
      Number.isInteger(s.index) &&
      Number.isInteger(s.count) &&
      (s.index as number) >= 1 &&
      (s.index as number) <= (s.count as number)
    )
  )
    return '"shard" is not {index, count} with 1 <= index <= count';
  return undefined;
}

/** Refuses a set of reports that cannot be merged into a trustworthy verdict. */
export function checkMergeable(reports: RunReport[], names: string[]): void {
  const name = (i: number) => names[i] ?? `report ${i + 1}`;
  const noCorpus = reports.findIndex((r) => !r.corpus);
  if (noCorpus >= 0)
    throw new MergeError(
      `${name(noCorpus)} does not say which corpus it ran (no "corpus" field: an older uringspec wrote it); run the shards again`,
    );
  const versions = [...new Set(reports.map((r) => r.version))];
  if (versions.length > 1) throw new MergeError(`the reports were written by different uringspec versions (${versions.join(', ')})`);
  const first = reports[0]!.corpus!;
  reports.forEach((r, i) => {
    const c = r.corpus!;
    if (c.hash === first.hash) return;
    const only = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
    const [here, there] = [only(c.ids, first.ids), only(first.ids, c.ids)];
    const what =
      here.length || there.length
        ? `${here.length ? `only ${name(i)} has ${few(here)}` : ''}${here.length && there.length ? '; ' : ''}${there.length ? `only ${name(0)} has ${few(there)}` : ''}`
        : 'the same ids, with different content';
    throw new MergeError(
      `${name(0)} and ${name(i)} ran different corpora (${first.count} scenarios, hash ${first.hash.slice(0, 12)} vs ${c.count}, hash ${c.hash.slice(0, 12)}: ${what})`,
    );
  });
  const noImage = reports.findIndex((r) => r.kernels.some((k) => !k.image));
  if (noImage >= 0)
    throw new MergeError(`${name(noImage)} does not say which kernel image it ran (no "image" field); run the shards again`);
  // The same label is the same image everywhere; complete reports ran the same kernels.
  const seen = new Map<string, { text: string; at: number }>();
  reports.forEach((r, i) =>
    r.kernels.forEach((k) => {
      const prev = seen.get(k.label);
      if (prev && prev.text !== kernelText(k))
        throw new MergeError(`${name(prev.at)} and ${name(i)} ran different kernels as ${k.label}: ${prev.text} vs ${kernelText(k)}`);
      seen.set(k.label, { text: kernelText(k), at: i });
    }),
  );
  const labels = (r: RunReport) =>
    r.kernels
      .map((k) => k.label)
      .sort()
      .join(', ') || 'none';
  const complete = reports.map((r, i) => ({ r, i })).filter(({ r }) => !r.incomplete);
  for (const { r, i } of complete)
    if (labels(r) !== labels(complete[0]!.r))
      throw new MergeError(`${name(complete[0]!.i)} and ${name(i)} ran different kernels: ${labels(complete[0]!.r)} vs ${labels(r)}`);
  const unsharded = reports.findIndex((r) => !r.shard);
  if (unsharded >= 0) {
    if (reports.length > 1)
      throw new MergeError(`${name(unsharded)} is not a shard (run without --shard): it cannot be merged with other reports`);
    return;
  }
  const n = reports[0]!.shard!.count;
  const other = reports.findIndex((r) => r.shard!.count !== n);
  if (other >= 0)
    throw new MergeError(
      `${name(0)} is shard ${reports[0]!.shard!.index}/${n} but ${name(other)} is shard ${reports[other]!.shard!.index}/${reports[other]!.shard!.count}: shards of different splits`,
    );
  const byIndex = new Map<number, number>();
  reports.forEach((r, i) => {
    const prev = byIndex.get(r.shard!.index);
    if (prev !== undefined) throw new MergeError(`shard ${r.shard!.index}/${n} is given twice: ${name(prev)} and ${name(i)}`);
    byIndex.set(r.shard!.index, i);
  });
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new MergeError(
      `${missing.length === 1 ? 'shard' : `${missing.length} shards`} of ${n} missing: ${few(missing.map((i) => `${i}/${n}`))}; their scenarios would never have run`,
    );
}

/** Checks (checkMergeable) and merges; names are the reports' files, for messages. */
export function mergeReports(reports: RunReport[], names: string[] = []): RunReport {
  if (!reports.length) throw new MergeError('nothing to merge');
  checkMergeable(reports, names);
  const kernels = new Map<string, KernelRun>();
  for (const r of reports)
    for (const k of r.kernels) {
      const have = kernels.get(k.label);
      if (!have) kernels.set(k.label, { ...k, results: [...k.results] });
      else {
        have.results.push(...k.results);
        if (!have.peer && k.peer) have.peer = k.peer;
        if (k.coverage) have.coverage = have.coverage ? mergeCoverage(have.coverage, k.coverage) : k.coverage;
      }
    }
  for (const k of kernels.values()) {
    const seen = new Set<string>();
    k.results = k.results.filter((r) => !seen.has(r.id) && seen.add(r.id)).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  }
  const list = [...kernels.values()];
  const incomplete = reports.filter((r) => r.incomplete);
  // A whole set of complete shards has a result for every scenario on every kernel.
  const corpus = reports[0]!.corpus!;
  if (!incomplete.length)
    for (const k of list) {
      const ids = new Set(k.results.map((r) => r.id));
      const absent = corpus.ids.filter((id) => !ids.has(id));
      const extra = [...ids].filter((id) => !corpus.ids.includes(id));
      if (absent.length || extra.length)
        throw new MergeError(
          `${k.label}: the shards ${absent.length ? `have no result for ${absent.length} of the ${corpus.count} scenarios (${few(absent)})` : ''}${absent.length && extra.length ? ' and ' : ''}${extra.length ? `have results for scenarios not in the corpus (${few(extra)})` : ''}`,
        );
    }
  const starts = reports.map((r) => r.startedAt).sort();
  const merged: RunReport = {
    tool: 'uringspec',
    version: reports[0]!.version,
    startedAt: starts[0]!,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    kernels: list,
    corpus,
    ...(reports[0]!.shard ? { mergedShards: reports.length } : {}),
    incomplete: incomplete.length > 0,
    ...(incomplete.length ? { incompleteReason: incomplete.map((r) => r.incompleteReason ?? 'interrupted').join('; ') } : {}),
  };
  // Each shard bisected its own findings over the same prefixes.
  const bisects = reports.flatMap((r) => (r.bisect ? [r.bisect] : []));
  if (bisects.length) merged.bisect = { ...bisects[0]!, findings: bisects.flatMap((b) => b.findings) };
  const withPeer = list.filter((k) => k.peer);
  const patched = reports.flatMap((r) => r.kernels).find((k) => k.profile !== 'baseline' && k.peer);
  const baseline = withPeer.find((k) => k.profile === 'baseline');
  if (patched?.peer && baseline?.peer) merged.regressions = regressions(baseline.peer, patched.peer);
  return merged;
}
