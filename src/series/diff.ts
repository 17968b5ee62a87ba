// A unified diff (git's own output: `git show`, `git diff`) as data: files,
// hunks with their headers, and every line with its number on the side it
// exists on. Coverage marks a patch's added lines with it; patch-body.ts only
// finds where a mailed diff ends and stays text.

export interface DiffLine {
  kind: '+' | '-' | ' ';
  text: string;
  /** Line number in the old file ('-' and ' ' lines). */
  oldLine?: number;
  /** Line number in the new file ('+' and ' ' lines). */
  newLine?: number;
}

export interface DiffHunk {
  /** The whole "@@ -a,b +c,d @@ function" line. */
  header: string;
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

export interface DiffFile {
  /** Path before (undefined for a new file). */
  oldPath?: string;
  /** Path after (undefined for a deleted file). */
  newPath?: string;
  hunks: DiffHunk[];
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

function pathOf(line: string, prefix: string): string | undefined {
  const p = line.slice(4).replace(/\t.*$/, '');
  if (p === '/dev/null') return undefined;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/** Parses the diff part of `git show`/`git diff` output (a commit header before the first `diff --git` is skipped). */
export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | undefined;
  let hunk: DiffHunk | undefined;
  let oldNo = 0;
  let newNo = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const m = /^diff --git a\/(.+) b\/(.+)$/.exec(line);
      file = { ...(m ? { oldPath: m[1]!, newPath: m[2]! } : {}), hunks: [] };
      files.push(file);
      hunk = undefined;
      continue;
    }
    if (!file) continue;
    if (!hunk && line.startsWith('--- ')) {
      const p = pathOf(line, 'a/');
      if (p === undefined) delete file.oldPath;
      else file.oldPath = p;
      continue;
    }
    if (!hunk && line.startsWith('+++ ')) {
      const p = pathOf(line, 'b/');
      if (p === undefined) delete file.newPath;
      else file.newPath = p;
      continue;
    }
    const h = HUNK.exec(line);
    if (h) {
      hunk = { header: line, oldStart: Number(h[1]), newStart: Number(h[2]), lines: [] };
      file.hunks.push(hunk);
      oldNo = hunk.oldStart;
      newNo = hunk.newStart;
      continue;
    }
    if (!hunk) continue;
    const kind = line[0];
    if (kind === '+') hunk.lines.push({ kind, text: line.slice(1), newLine: newNo++ });
    else if (kind === '-') hunk.lines.push({ kind, text: line.slice(1), oldLine: oldNo++ });
    else if (kind === ' ') hunk.lines.push({ kind, text: line.slice(1), oldLine: oldNo++, newLine: newNo++ });
    // "\ No newline at end of file" and the blank line git ends with carry no line
  }
  return files;
}
