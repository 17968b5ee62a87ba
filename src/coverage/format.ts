// Coverage in words, one way for every report: the never-executed added lines
// of a hunk as file:line ranges, and the one summary line the terminal report
// and summary.txt print.
import type { HunkCoverage, PatchCoverage, SeriesCoverage } from './series-coverage.ts';

/**
 * Runs of unreached lines in a hunk as [first, last] final-tree line numbers. Lines gcov does not count
 * (braces, declarations) inside a run do not break it; an executed added line or a context line does.
 */
export function unreachedRanges(h: HunkCoverage): [number, number][] {
  const out: [number, number][] = [];
  let open: [number, number] | undefined;
  for (const l of h.lines) {
    if (l.kind === '-') continue;
    if (l.kind === '+' && l.status === 'unreached') {
      if (open) open[1] = l.final!;
      else out.push((open = [l.final!, l.final!]));
    } else if (!(l.kind === '+' && (l.status === 'not-executable' || l.status === 'superseded'))) open = undefined;
  }
  return out;
}

export const percent = (n: number, of: number): string => (of ? `${Math.floor((100 * n) / of)}%` : 'n/a');

/** "io_uring/kbuf.c:301-309 (6/7 hunk 3)" for each unreached run, patch by patch. */
export function unreachedList(patches: PatchCoverage[]): string[] {
  return patches.flatMap((p) =>
    p.hunks.flatMap((h) => unreachedRanges(h).map(([a, b]) => `${h.file}:${a === b ? a : `${a}-${b}`} (${p.number} hunk ${h.index})`)),
  );
}

/** "series coverage: 212/240 added lines (88%), 28 unreached: io_uring/kbuf.c:301-309 (6/7 hunk 3) ..." */
export function coverageLine(c: SeriesCoverage, maxRuns = 4): string {
  const unreached = c.executable - c.executed;
  const runs = unreachedList(c.patches);
  return (
    `series coverage: ${c.executed}/${c.executable} added lines (${percent(c.executed, c.executable)})` +
    (unreached ? `, ${unreached} unreached: ${runs.slice(0, maxRuns).join(', ')}${runs.length > maxRuns ? ' ...' : ''}` : '')
  );
}

/** One line per patch: "6/7 io_uring/kbuf: add support for mapping type KBUF_MODE_BVEC: 140/160 (87%)". */
export function patchLines(c: SeriesCoverage): string[] {
  return c.patches.map(
    (p) =>
      `${p.number} ${p.subject}: ${p.executable ? `${p.executed}/${p.executable} (${percent(p.executed, p.executable)})` : 'no executable added lines'}`,
  );
}
