// Which patch of a series wrote a line of the patched kernel: `git blame` on
// the branch the build applied the patches on (build.ts: tag "base", then one
// commit per patch by `git am`, the series under test last). A crash frame's
// source line (symbolize.ts) blamed on a commit of the series names the patch
// whose code the kernel was running, and the line as that patch wrote it.
import { execa } from 'execa';

export interface BlamedLine {
  /** 1-based index of the patch in the series under test. */
  patch: number;
  /** The file and line as that patch's own diff numbers them (its post-image). */
  file: string;
  line: number;
}

/** The commits of the last `count` patches on `branch`, oldest first. */
async function seriesCommits(tree: string, branch: string, count: number): Promise<string[]> {
  const r = await execa('git', ['rev-list', '--reverse', `base..${branch}`], { cwd: tree, reject: false });
  if (r.exitCode !== 0) return [];
  const all = r.stdout.split('\n').filter(Boolean);
  return all.slice(Math.max(0, all.length - count));
}

/**
 * For each "file:line" (in order), the patch of the series that last wrote it,
 * or undefined when the line is older than the series (the base or a
 * prerequisite) or git cannot tell.
 */
export async function blameLines(
  tree: string,
  branch: string,
  seriesLength: number,
  locations: string[],
): Promise<(BlamedLine | undefined)[]> {
  const commits = await seriesCommits(tree, branch, seriesLength);
  if (!commits.length) return locations.map(() => undefined);
  const out: (BlamedLine | undefined)[] = [];
  for (const loc of locations) {
    const m = /^(.+):(\d+)$/.exec(loc);
    if (!m) {
      out.push(undefined);
      continue;
    }
    const r = await execa('git', ['blame', '--porcelain', '-L', `${m[2]},${m[2]}`, branch, '--', m[1]!], { cwd: tree, reject: false });
    const head = /^([0-9a-f]{40}) (\d+) \d+/.exec(r.stdout);
    const file = /^filename (.+)$/m.exec(r.stdout)?.[1] ?? m[1]!;
    const patch = head ? commits.indexOf(head[1]!) : -1;
    out.push(r.exitCode === 0 && head && patch >= 0 ? { patch: patch + 1, file, line: Number(head[2]) } : undefined);
  }
  return out;
}
