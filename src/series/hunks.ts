// The hunks of a patch, and the one a reply quotes. A report to a series
// author quotes the code it is about, as a reviewer does: the hunk of the
// patch, cut to the function or the lines at issue, each line behind "> ".
// Which hunk: the one holding a given line of the patched file (a crash
// frame's line, traced to this patch by git blame), else the one where a
// named function or identifier is defined or changed (the model rule's
// citation, the crash's frames), else the patch's first hunk.
import type { Patch } from './schema.ts';

export interface Hunk {
  /** The file as the patch names it after the change (b/...). */
  file: string;
  /** "@@ -117,20 +118,135 @@ static void __user *io_provided_buffer_select(...)" */
  header: string;
  oldStart: number;
  newStart: number;
  newLines: number;
  /** The function git diff names after the @@ (the code the hunk starts in), or "". */
  context: string;
  /** The hunk's lines after its header, each starting with " ", "+", "-" or "\\". */
  lines: string[];
}

export function hunksOf(patch: Pick<Patch, 'diff'>): Hunk[] {
  const out: Hunk[] = [];
  let file = '';
  let cur: Hunk | undefined;
  for (const line of patch.diff.split('\n')) {
    const git = /^diff --git a\/\S+ b\/(\S+)$/.exec(line);
    if (git) {
      file = git[1]!;
      cur = undefined;
      continue;
    }
    const h = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,(\d+))? @@ ?(.*)$/.exec(line);
    if (h) {
      cur = {
        file,
        header: line,
        oldStart: Number(h[1]),
        newStart: Number(h[2]),
        newLines: h[3] === undefined ? 1 : Number(h[3]),
        context: h[4]!.trim(),
        lines: [],
      };
      out.push(cur);
      continue;
    }
    if (cur && /^[ +\-\\]/.test(line)) cur.lines.push(line);
    else if (cur && line === '') cur.lines.push(' ');
  }
  return out;
}

/** The line of the patched file each hunk line stands for (undefined for a removed line). */
function newLineNumbers(h: Hunk): (number | undefined)[] {
  let n = h.newStart;
  return h.lines.map((l) => (l.startsWith('-') || l.startsWith('\\') ? undefined : n++));
}

/** The hunk of `file` that holds line `line` of the patched file, and the index of that line in it. */
export function hunkAtLine(hunks: Hunk[], file: string, line: number): { hunk: Hunk; at: number } | undefined {
  for (const hunk of hunks) {
    if (hunk.file !== file) continue;
    const at = newLineNumbers(hunk).indexOf(line);
    if (at >= 0) return { hunk, at };
  }
  return undefined;
}

const word = (name: string) => new RegExp(`(^|[^A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_]|$)`);

/**
 * The line where `name` is defined in the hunk: "static int name(" (a
 * function), "#define name", "\tKBUF_MODE_BVEC\t= 4,". `added`: only added
 * lines; else also a context line, when the hunk changes code after it.
 */
function definedAt(h: Hunk, name: string, added: boolean): number {
  const marker = added ? '\\+' : ' ';
  const fn = new RegExp(`^${marker}[A-Za-z_].*[^A-Za-z0-9_]\\**${name}\\(`);
  const define = new RegExp(`^${marker}\\s*(#define\\s+)?${name}([^A-Za-z0-9_(]|$)`);
  const at = h.lines.findIndex((l) => fn.test(l) || define.test(l));
  if (at < 0 || added) return at;
  return h.lines.slice(at + 1).some((l) => /^[+-]/.test(l)) ? at : -1;
}

export interface HunkChoice {
  hunk: Hunk;
  /** The name that chose it. */
  name: string;
  /** Where in the hunk: its added definition, a change inside its definition, a changed line using it, or the hunk's own function (@@ context). */
  how: 'defines' | 'changes inside' | 'changes' | 'is inside';
  /** Index of the line in hunk.lines to centre the quote on. */
  at: number;
}

/**
 * The hunk for the first of `names` (most telling first) that some hunk
 * defines in an added line, else changes code after its definition, else
 * changes a line using it, else starts inside the function of that name.
 * Among hunks that match a name equally, the one whose changed lines hold
 * the most `hints` (other words of the citation: "commits nbufs") wins.
 */
export function hunkForNames(hunks: Hunk[], names: string[], hints: string[] = []): HunkChoice | undefined {
  const score = (h: Hunk) => {
    const changed = h.lines.filter((l) => /^[+-]/.test(l)).join('\n');
    return hints.filter((w) => changed.includes(w)).length;
  };
  const best = (found: HunkChoice[]) => found.reduce((a, b) => (score(b.hunk) > score(a.hunk) ? b : a));
  for (const name of names) {
    const re = word(name);
    const levels: [HunkChoice['how'], (h: Hunk) => number][] = [
      ['defines', (h) => definedAt(h, name, true)],
      ['changes inside', (h) => definedAt(h, name, false)],
      ['changes', (h) => h.lines.findIndex((l) => /^[+-]/.test(l) && re.test(l.slice(1)))],
      ['is inside', (h) => (re.test(h.context) ? Math.max(0, h.lines.findIndex((l) => /^[+-]/.test(l))) : -1)],
    ];
    for (const [how, at] of levels) {
      const found = hunks.flatMap((hunk) => {
        const i = at(hunk);
        return i >= 0 ? [{ hunk, name, how, at: i }] : [];
      });
      if (found.length) return best(found);
    }
  }
  return undefined;
}

/**
 * The part of the hunk a reply quotes: a function defined at `at` from its
 * first line to its closing brace, else up to `radius` lines either side of
 * `at` (kept inside the hunk). At most `max` lines; what is left out is marked
 * "[...]", as reviewers trim a quote.
 */
export function quoteHunk(h: Hunk, at: number, o: { radius?: number; max?: number } = {}): string[] {
  const radius = o.radius ?? 8;
  const max = o.max ?? 40;
  let from = Math.max(0, at - radius);
  let to = Math.min(h.lines.length, at + radius + 1);
  // A function's first line: quote the function whole (its body is what is at issue).
  if (/^[+ ][A-Za-z_].*\(/.test(h.lines[at] ?? '') && !/;\s*$/.test(h.lines[at]!)) {
    const close = h.lines.findIndex((l, i) => i > at && /^[+ ]}$/.test(l));
    if (close > at) [from, to] = [at, close + 1];
  }
  if (to - from > max) to = from + max;
  const body = h.lines.slice(from, to);
  return [
    `--- a/${h.file}`,
    `+++ b/${h.file}`,
    h.header,
    ...(from > 0 ? ['[...]'] : []),
    ...body,
    ...(to < h.lines.length ? ['[...]'] : []),
  ];
}
