// The series' added lines against what the scenarios executed: folded one
// item at a time (an item's counts are dropped once folded, so a run holds
// the aggregate and one scenario's worth, never every scenario's), into the
// shape the reports carry (KernelRun.coverage, docs/report-json.md).
import type { LineCounts } from './gcov.ts';
import { lineKey, type LineKey, type PatchLine, type SeriesMap } from './series-lines.ts';

/** What coverage says about one added line of a patch. */
export type LineStatus =
  | 'executed' // some scenario ran it
  | 'unreached' // executable, and no scenario ran it
  | 'not-executable' // gcov has no count for it (a declaration, a brace, a comment, folded away)
  | 'not-instrumented' // its file has no gcov data at all (not compiled into a profiled object)
  | 'superseded'; // a later patch of the series changed or deleted it: not in the final tree

export interface CoveredLine {
  kind: PatchLine['kind'];
  text: string;
  /** Added lines: the line number in the final tree, when it is there. */
  final?: number;
  status?: LineStatus;
  /** Executed lines: how many scenarios ran it. */
  scenarios?: number;
}

export interface Counts {
  /** Added lines in the final tree. */
  added: number;
  /** Of those, lines gcov counts. */
  executable: number;
  executed: number;
}

export interface HunkCoverage extends Counts {
  index: number;
  file: string;
  header: string;
  /** Final-tree line numbers of the executable added lines no scenario ran. */
  unreached: number[];
  lines: CoveredLine[];
}

export interface PatchCoverage extends Counts {
  /** "6/7" */
  number: string;
  subject: string;
  source: string;
  commit: string;
  hunks: HunkCoverage[];
}

export interface ScenarioCoverage {
  id: string;
  /** Added lines of the series this scenario executed, per patch number ("6/7": 12). */
  patches: Record<string, number>;
  lines: number;
}

export interface SeriesCoverage extends Counts {
  tool: 'gcov';
  /** The kernel that ran the scenarios for coverage (the patched recipe's coverage variant). */
  kernel: string;
  patches: PatchCoverage[];
  scenarios: ScenarioCoverage[];
  /** Items that produced no coverage (crashed, timed out, lost) and why. */
  withoutCoverage: { id: string; why: string }[];
  /** Counted files the series does not touch: their coverage cannot be mapped to a patch. */
  outside: { file: string; executable: number; executed: number }[];
  /** Files of the series with added lines and no gcov data at all. */
  notInstrumented: { file: string; lines: number }[];
  /** Counter files that could not be read or paired with notes. */
  unmapped: { file: string; why: string }[];
  /** Gate: scenarios whose verdict on the coverage kernel differs from the plain kernel's. */
  verdictDiffs?: { id: string; plain: string; coverage: string }[];
}

/** The fuzzer's feedback signal: the series lines one scenario executed ("io_uring/kbuf.c:301"). */
export interface ScenarioLines {
  id: string;
  lines: ReadonlySet<LineKey>;
}

export class CoverageFolder {
  private readonly seriesFiles: Set<string>;
  /** Series line -> number of scenarios that executed it. */
  private readonly hits = new Map<LineKey, number>();
  /** Series line -> executable (gcov has a count for it). */
  private readonly executable = new Set<LineKey>();
  /** Files with gcov data. */
  private readonly counted = new Set<string>();
  private readonly outside = new Map<string, { executable: Set<number>; executed: Set<number> }>();
  private readonly unmapped = new Map<string, string>();
  private readonly scenarios: ScenarioCoverage[] = [];
  private readonly without: { id: string; why: string }[] = [];

  constructor(
    private readonly map: SeriesMap,
    private readonly kernel: string,
  ) {
    this.seriesFiles = new Set(map.patches.flatMap((p) => p.hunks.map((h) => h.file)));
  }

  /** Folds one item's counts in; returns the series lines it executed. */
  add(id: string, counts: LineCounts, unmapped: { file: string; why: string }[] = []): ScenarioLines {
    for (const u of unmapped) this.unmapped.set(u.file, u.why);
    const lines = new Set<LineKey>();
    for (const [file, byLine] of counts) {
      this.counted.add(file);
      if (!this.seriesFiles.has(file)) {
        let o = this.outside.get(file);
        if (!o) this.outside.set(file, (o = { executable: new Set(), executed: new Set() }));
        for (const [line, n] of byLine) {
          o.executable.add(line);
          if (n > 0) o.executed.add(line);
        }
        continue;
      }
      for (const [line, n] of byLine) {
        const key = lineKey(file, line);
        if (!this.map.origin.has(key)) continue;
        this.executable.add(key);
        if (n > 0) lines.add(key);
      }
    }
    const patches: Record<string, number> = {};
    for (const key of lines) {
      this.hits.set(key, (this.hits.get(key) ?? 0) + 1);
      const p = this.map.patches[this.map.origin.get(key)!.patch]!;
      patches[p.number] = (patches[p.number] ?? 0) + 1;
    }
    this.scenarios.push({ id, patches, lines: lines.size });
    return { id, lines };
  }

  /** An item that produced no counts (crashed, timed out, lost, never ran). */
  missing(id: string, why: string): void {
    this.without.push({ id, why });
  }

  result(): SeriesCoverage {
    const status = (file: string, l: PatchLine): LineStatus => {
      if (l.final === undefined) return 'superseded';
      const key = lineKey(file, l.final);
      if (!this.counted.has(file)) return 'not-instrumented';
      if (!this.executable.has(key)) return 'not-executable';
      return this.hits.has(key) ? 'executed' : 'unreached';
    };
    const patches: PatchCoverage[] = this.map.patches.map((p) => {
      const hunks: HunkCoverage[] = p.hunks.map((h) => {
        const lines: CoveredLine[] = h.lines.map((l) => {
          if (l.kind !== '+') return { kind: l.kind, text: l.text };
          const s = status(h.file, l);
          const n = l.final !== undefined ? this.hits.get(lineKey(h.file, l.final)) : undefined;
          return {
            kind: l.kind,
            text: l.text,
            ...(l.final !== undefined ? { final: l.final } : {}),
            status: s,
            ...(n ? { scenarios: n } : {}),
          };
        });
        const added = lines.filter((l) => l.final !== undefined);
        return {
          index: h.index,
          file: h.file,
          header: h.header,
          added: added.length,
          executable: added.filter((l) => l.status === 'executed' || l.status === 'unreached').length,
          executed: added.filter((l) => l.status === 'executed').length,
          unreached: added.filter((l) => l.status === 'unreached').map((l) => l.final!),
          lines,
        };
      });
      return { number: p.number, subject: p.subject, source: p.source, commit: p.commit, ...sum(hunks), hunks };
    });
    const notInstrumented = new Map<string, number>();
    for (const h of patches.flatMap((p) => p.hunks))
      for (const l of h.lines) if (l.status === 'not-instrumented') notInstrumented.set(h.file, (notInstrumented.get(h.file) ?? 0) + 1);
    return {
      tool: 'gcov',
      kernel: this.kernel,
      ...sum(patches),
      patches,
      scenarios: this.scenarios,
      withoutCoverage: this.without,
      outside: [...this.outside]
        .map(([file, o]) => ({ file, executable: o.executable.size, executed: o.executed.size }))
        .sort((a, b) => a.file.localeCompare(b.file)),
      notInstrumented: [...notInstrumented].map(([file, lines]) => ({ file, lines })),
      unmapped: [...this.unmapped].map(([file, why]) => ({ file, why })),
    };
  }
}

function sum(xs: Counts[]): Counts {
  return xs.reduce((a, x) => ({ added: a.added + x.added, executable: a.executable + x.executable, executed: a.executed + x.executed }), {
    added: 0,
    executable: 0,
    executed: 0,
  });
}

/**
 * Joins the coverage of sharded runs of one kernel (report merge): an added line is executed when any
 * shard ran it. Counted files outside the series keep the highest count of a shard (a lower bound:
 * the reports hold counts, not the lines).
 */
export function mergeCoverage(a: SeriesCoverage, b: SeriesCoverage): SeriesCoverage {
  const patches = a.patches.map((p, pi): PatchCoverage => {
    const hunks = p.hunks.map((h, hi): HunkCoverage => {
      const other = b.patches[pi]?.hunks[hi];
      const lines = h.lines.map((l, li): CoveredLine => {
        const o = other?.lines[li];
        if (l.kind !== '+' || !o || o.final !== l.final) return l;
        const scenarios = (l.scenarios ?? 0) + (o.scenarios ?? 0);
        const executed = l.status === 'executed' || o.status === 'executed';
        return { ...l, ...(executed ? { status: 'executed' as const } : {}), ...(scenarios ? { scenarios } : {}) };
      });
      const added = lines.filter((l) => l.final !== undefined);
      return {
        ...h,
        lines,
        added: added.length,
        executable: added.filter((l) => l.status === 'executed' || l.status === 'unreached').length,
        executed: added.filter((l) => l.status === 'executed').length,
        unreached: added.filter((l) => l.status === 'unreached').map((l) => l.final!),
      };
    });
    return { ...p, ...sum(hunks), hunks };
  });
  const outside = new Map(a.outside.map((f) => [f.file, f]));
  for (const f of b.outside) {
    const have = outside.get(f.file);
    outside.set(f.file, have && have.executed >= f.executed ? have : f);
  }
  return {
    ...a,
    ...sum(patches),
    patches,
    scenarios: [...a.scenarios, ...b.scenarios],
    withoutCoverage: [...a.withoutCoverage, ...b.withoutCoverage],
    outside: [...outside.values()].sort((x, y) => x.file.localeCompare(y.file)),
    unmapped: [...a.unmapped, ...b.unmapped.filter((u) => !a.unmapped.some((x) => x.file === u.file))],
    ...(a.verdictDiffs || b.verdictDiffs ? { verdictDiffs: [...(a.verdictDiffs ?? []), ...(b.verdictDiffs ?? [])] } : {}),
  };
}
