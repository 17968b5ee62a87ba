// Turns a recipe's patch entries into one format-patch file per patch (via
// series ingestion, so cover letters and replies never reach git am) and
// applies them with `git am -3` on a branch of the base tree. A failure names
// the patch, the file and the hunk, aborts the am and leaves the tree clean.
// checkApplies() finds that failure first without the work tree, so without
// waiting for another build that holds the tree.
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BuildError } from './build-error.ts';
import type { Recipe } from './recipe.ts';
import { toFormatPatch } from '../series/format-patch.ts';
import { readSeries } from '../series/read-series.ts';

export interface PreparedPatch {
  /** "02-get-rid-of-io_kiocb-imu-v3.mbox [PATCH 3/4] io_uring/net: ..." */
  label: string;
  /** The series file it came from and its place there: "04-provided-registered-buffers-rfc.mbox", "6/7", the subject. */
  source: string;
  number: string;
  subject: string;
  /** Set on the patches a variant adds (build instrumentation such as coverage's), never part of a series under test. */
  variant?: string;
  /** The format-patch text that git am gets (also what the cache key hashes). */
  text: string;
  exclude: string[];
}

/** The recipe's patches, then the variant's (e.g. coverage instrumentation), in the order git am gets them. */
export async function preparePatches(recipe: Recipe, variant?: string): Promise<PreparedPatch[]> {
  const out: PreparedPatch[] = [];
  const entries = [
    ...recipe.patches.map((e) => ({ e, variant: undefined })),
    ...(variant ? (recipe.variants[variant]?.patches ?? []).map((e) => ({ e, variant })) : []),
  ];
  for (const { e: entry, variant: from } of entries) {
    const series = await readSeries(entry.path, entry.version ? { version: entry.version } : {});
    for (const p of series.patches.slice(0, entry.first ?? series.patches.length)) {
      out.push({
        label: `${basename(entry.path)} [PATCH ${p.index}/${p.total}${p.version > 1 ? ` v${p.version}` : ''}] ${p.subject}`,
        source: basename(entry.path),
        number: `${p.index}/${p.total}`,
        subject: p.subject,
        ...(from ? { variant: from } : {}),
        text: toFormatPatch(p),
        exclude: entry.exclude ?? [],
      });
    }
  }
  return out;
}

async function git(tree: string, args: string[]) {
  return execa('git', args, { cwd: tree, reject: false, all: true });
}

/** From `git apply -v` output: "error: patch failed: io_uring/net.c:1261" and the context git searched for. */
function describeApply(applyOutput: string, fallback: string): string {
  const lines = applyOutput.split('\n');
  const failed = [
    ...new Set(lines.filter((l) => /^error: (patch failed|.*: patch does not apply|.*: No such file|.*already exists)/.test(l))),
  ];
  const searchAt = lines.findIndex((l) => l.startsWith('error: while searching for:'));
  const context = searchAt >= 0 ? lines.slice(searchAt, searchAt + 12).join('\n') : '';
  return [failed.join('\n') || fallback.split('\n').slice(-8).join('\n'), context].filter(Boolean).join('\n');
}

async function describeFailure(tree: string, patch: PreparedPatch, amOutput: string): Promise<string> {
  const patchFile = (await git(tree, ['rev-parse', '--git-path', 'rebase-apply/patch'])).stdout.trim();
  const check = await git(tree, ['apply', '--check', '-v', ...patch.exclude.map((e) => `--exclude=${e}`), patchFile]);
  return describeApply(check.all || amOutput, amOutput);
}

export const branchExists = async (tree: string, branch: string) =>
  (await git(tree, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`])).exitCode === 0;

/**
 * Applies the patches in order to a private index of the base (`git apply
 * --cached`, then `--3way`, as `git am -3` does to the work tree), so it needs
 * neither the work tree nor its lock. Throws the BuildError checkoutPatched
 * would: the patch, the file and the hunk. A patch set that has its branch
 * already applied once and is not checked again.
 */
export async function checkApplies(tree: string, branch: string, patches: PreparedPatch[]): Promise<void> {
  if (await branchExists(tree, branch)) return;
  const dir = await mkdtemp(join(tmpdir(), 'uspec-apply-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  const inIndex = (args: string[]) => execa('git', args, { cwd: tree, env, reject: false, all: true });
  try {
    const base = await inIndex(['read-tree', 'base']);
    if (base.exitCode !== 0) throw new BuildError(`git read-tree base failed in ${tree}`, base.all);
    for (const [i, patch] of patches.entries()) {
      const file = join(dir, `${String(i + 1).padStart(4, '0')}.patch`);
      await writeFile(file, patch.text);
      const apply = (...how: string[]) => inIndex(['apply', '--cached', ...how, ...patch.exclude.map((e) => `--exclude=${e}`), file]);
      // As git am -3: as it is, else a three-way merge; a failed apply leaves the index as it was.
      const plain = await apply('-v');
      if (plain.exitCode === 0 || (await apply('--3way')).exitCode === 0) continue;
      throw new BuildError(`patch ${i + 1}/${patches.length} does not apply: ${patch.label}\n${describeApply(plain.all, plain.all)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Makes `branch` = base + patches. An existing branch is reused as it is (its
 * name is the content hash of the patches). Checking out only rewrites files
 * that differ, so make in a shared O= dir rebuilds only what changed.
 */
export async function checkoutPatched(tree: string, branch: string, patches: PreparedPatch[], log: (s: string) => void): Promise<void> {
  // leftovers of an interrupted am would block everything after
  await git(tree, ['am', '--abort']);
  if (await branchExists(tree, branch)) {
    const co = await git(tree, ['checkout', '-q', '-f', branch]);
    if (co.exitCode !== 0) throw new BuildError(`git checkout ${branch} failed in ${tree}`, co.all);
    return;
  }
  const work = `${branch}-applying`;
  const co = await git(tree, ['checkout', '-q', '-f', '-B', work, 'base']);
  if (co.exitCode !== 0) throw new BuildError(`git checkout base failed in ${tree}`, co.all);
  const dir = await mkdtemp(join(tmpdir(), 'uspec-am-'));
  try {
    await applyAll(tree, work, dir, patches, log);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const mv = await git(tree, ['branch', '-q', '-M', work, branch]);
  if (mv.exitCode !== 0) throw new BuildError(`git branch -M failed in ${tree}`, mv.all);
}

async function applyAll(tree: string, work: string, dir: string, patches: PreparedPatch[], log: (s: string) => void): Promise<void> {
  for (const [i, patch] of patches.entries()) {
    const file = join(dir, `${String(i + 1).padStart(4, '0')}.patch`);
    await writeFile(file, patch.text);
    log(`applying ${patch.label}${patch.exclude.length ? ` (excluding ${patch.exclude.join(', ')})` : ''}`);
    const am = await git(tree, ['am', '-3', '--keep-cr', ...patch.exclude.map((e) => `--exclude=${e}`), file]);
    if (am.exitCode !== 0) {
      const why = await describeFailure(tree, patch, am.all);
      await git(tree, ['am', '--abort']);
      await git(tree, ['checkout', '-q', '-f', 'base']);
      await git(tree, ['branch', '-q', '-D', work]);
      throw new BuildError(`patch ${i + 1}/${patches.length} does not apply: ${patch.label}\n${why}`, am.all);
    }
  }
}
