// Which lines of the kernel a series adds, in the tree that was built: the
// build leaves one commit per patch on a branch of the cached source tree
// (kernel/apply-patches.ts); `git blame` of the branch tip, limited to the
// series' commits, names the patch each line of the final files came from and
// the line's number in that patch's own version of the file, which finds its
// hunk in the patch's diff. A line a later patch changed again belongs to the
// later patch (the final text is its); a line a later patch deleted is in no
// final file, and its patch's diff says so ("superseded").
import { execa } from 'execa';
import { InfraError } from '../core/errors.ts';
import { parseDiff, type DiffLine } from '../series/diff.ts';

/** One patch of the branch, as the build applied it. */
export interface BranchPatch {
  /** "6/7" */
  number: string;
  subject: string;
  /** The series file it came from. */
  source: string;
}

export interface SeriesSource {
  /** The git tree the kernel was built from, and the branch holding base + every patch. */
  tree: string;
  branch: string;
  /** Every patch on the branch, in order (the branch has one commit per patch over tag "base"). */
  patches: BranchPatch[];
  /** Which of them (indices into patches) are the series under test. */
  series: number[];
}

/** A diff line of a patch; an added line that is in the final tree knows its line number there. */
export interface PatchLine extends DiffLine {
  final?: number;
}

export interface PatchHunk {
  /** 1-based, counted over the whole patch (as "hunk 3" of "6/7"). */
  index: number;
  file: string;
  header: string;
  lines: PatchLine[];
}

export interface SeriesPatch extends BranchPatch {
  commit: string;
  hunks: PatchHunk[];
}

/** "io_uring/kbuf.c:301": a line of the final tree. */
export type LineKey = `${string}:${number}`;

export const lineKey = (file: string, line: number): LineKey => `${file}:${line}`;

export interface SeriesMap {
  patches: SeriesPatch[];
  /** Every final-tree line the series added, with the patch (index into patches) and hunk (index into its hunks) it came from. */
  origin: Map<LineKey, { patch: number; hunk: number }>;
}

async function git(tree: string, args: string[]): Promise<string> {
  const r = await execa('git', args, { cwd: tree, reject: false, all: true, maxBuffer: 256 << 20 });
  if (r.exitCode !== 0) throw new InfraError(`git ${args.join(' ')} failed in ${tree}`, r.all);
  return r.stdout;
}

/** Final line -> (commit, line in that commit's version, file name there), from `git blame --porcelain`. */
function parseBlame(text: string): { commit: string; orig: number; final: number; file: string }[] {
  const out: { commit: string; orig: number; final: number; file: string }[] = [];
  const fileOf = new Map<string, string>();
  let cur: { commit: string; orig: number; final: number } | undefined;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]{40}) (\d+) (\d+)(?: \d+)?$/.exec(line);
    if (head) {
      cur = { commit: head[1]!, orig: Number(head[2]), final: Number(head[3]) };
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('filename ')) fileOf.set(cur.commit, line.slice('filename '.length));
    else if (line.startsWith('\t')) {
      out.push({ ...cur, file: fileOf.get(cur.commit) ?? '' });
      cur = undefined;
    }
  }
  return out;
}

export async function seriesLines(src: SeriesSource): Promise<SeriesMap> {
  const commits = (await git(src.tree, ['rev-list', '--reverse', `base..${src.branch}`])).split('\n').filter(Boolean);
  if (commits.length !== src.patches.length)
    throw new InfraError(
      `branch ${src.branch} of ${src.tree} has ${commits.length} commits over base, the recipe has ${src.patches.length} patches: rebuild the kernel (--rebuild)`,
    );
  const patches: SeriesPatch[] = [];
  // (commit, file in that commit, line in that commit) -> the diff line
  const added = new Map<string, { patch: number; hunk: number; line: PatchLine }>();
  for (const i of src.series) {
    const commit = commits[i]!;
    const show = await git(src.tree, ['show', '--format=', '--no-color', '--no-ext-diff', '--no-renames', '-U3', commit]);
    const hunks: PatchHunk[] = [];
    for (const f of parseDiff(show)) {
      if (!f.newPath) continue; // a deleted file adds nothing
      for (const h of f.hunks) {
        const hunk: PatchHunk = { index: hunks.length + 1, file: f.newPath, header: h.header, lines: h.lines };
        hunks.push(hunk);
        for (const l of hunk.lines)
          if (l.kind === '+')
            added.set(`${commit}\0${f.newPath}\0${l.newLine}`, { patch: patches.length, hunk: hunks.length - 1, line: l });
      }
    }
    patches.push({ ...src.patches[i]!, commit, hunks });
  }
  const origin = new Map<LineKey, { patch: number; hunk: number }>();
  const first = commits[Math.min(...src.series)];
  if (!first) return { patches, origin };
  const files = [...new Set(patches.flatMap((p) => p.hunks.map((h) => h.file)))].sort();
  for (const file of files) {
    const exists = await execa('git', ['cat-file', '-e', `${src.branch}:${file}`], { cwd: src.tree, reject: false });
    if (exists.exitCode !== 0) continue; // added, then deleted by a later patch
    const blame = parseBlame(await git(src.tree, ['blame', '--porcelain', `${first}^..${src.branch}`, '--', file]));
    for (const b of blame) {
      const a = added.get(`${b.commit}\0${b.file}\0${b.orig}`);
      if (!a) continue; // the base's, or a patch outside the series
      a.line.final = b.final;
      origin.set(lineKey(file, b.final), { patch: a.patch, hunk: a.hunk });
    }
  }
  return { patches, origin };
}
