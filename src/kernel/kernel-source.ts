// The base source: Debian's orig tarball (downloaded with apt-get source if
// missing), unpacked once per base into a git repository with one commit
// tagged "base". Recipes become branches on top of it.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../core/cache.ts';
import { BuildError } from './build-error.ts';
import { baseSource, RecipeError, type Recipe } from './recipe.ts';

/**
 * Checks that a base can be had, without downloading anything: its tarball is
 * in the cache, or the deb-src index (apt-cache showsrc) lists that version.
 * Throws a RecipeError naming the versions the index does have.
 */
export async function checkBase(base: string): Promise<void> {
  const src = baseSource(base);
  if (existsSync(cacheDir('src', src.tarball))) return;
  const r = await execa('apt-cache', ['showsrc', src.pkg], { reject: false, all: true });
  if (r.exitCode !== 0 && r.exitCode !== 100)
    throw new RecipeError(`cannot check ${base}: apt-cache showsrc ${src.pkg} failed (${r.all.split('\n')[0] || `exit ${r.exitCode}`})`);
  const versions = r.stdout
    .split(/\n\n+/)
    .filter((stanza) => new RegExp(`^Package: ${src.pkg.replace(/[.+]/g, '\\$&')}$`, 'm').test(stanza))
    .map((stanza) => stanza.match(/^Version: (\S+)$/m)?.[1])
    .filter((v): v is string => v !== undefined);
  if (versions.includes(src.version)) return;
  throw new RecipeError(
    versions.length
      ? `${base}: Debian's source index has no ${src.pkg} ${src.version}; it has ${[...new Set(versions)].join(', ')}`
      : `${base}: Debian's source index has no source package "${src.pkg}" (apt-cache showsrc ${src.pkg}; scripts/setup.sh adds trixie as deb-src)`,
  );
}

export async function ensureTarball(recipe: Recipe, log: (s: string) => void): Promise<string> {
  const src = baseSource(recipe.base);
  const dir = cacheDir('src');
  const tarball = join(dir, src.tarball);
  if (existsSync(tarball)) return tarball;
  await checkBase(recipe.base);
  await mkdir(dir, { recursive: true });
  log(`downloading ${src.pkg}=${src.version} sources into ${dir} (apt-get source --download-only)`);
  const r = await execa('apt-get', ['source', '--download-only', `${src.pkg}=${src.version}`], { cwd: dir, reject: false, all: true });
  if (r.exitCode !== 0 || !existsSync(tarball)) {
    throw new BuildError(
      `cannot get ${src.tarball}: apt-get source ${src.pkg}=${src.version} failed. A deb-src entry that carries this version is needed (scripts/setup.sh adds trixie as deb-src)`,
      r.all,
    );
  }
  return tarball;
}

/** Written last when a tree is set up: a tree without it is unpacked again. */
const readyFile = (tree: string) => join(tree, '.git', 'uringspec-base-ready');
export const treeReady = (tree: string): boolean => existsSync(readyFile(tree));

/** The git tree for this base, created on first use. */
export async function ensureTree(recipe: Recipe, tarball: string, log: (s: string) => void): Promise<string> {
  const src = baseSource(recipe.base);
  const trees = cacheDir('trees');
  const tree = join(trees, src.topDir);
  if (treeReady(tree)) return tree;
  log(`unpacking ${src.tarball} into ${tree} (once per base)`);
  await rm(tree, { recursive: true, force: true });
  await mkdir(trees, { recursive: true });
  const t = await execa('tar', ['-xf', tarball, '-C', trees], { reject: false, all: true });
  if (t.exitCode !== 0 || !existsSync(tree))
    throw new BuildError(`unpacking ${tarball} failed (expected top directory ${src.topDir})`, t.all);
  const git = (...args: string[]) => execa('git', args, { cwd: tree });
  await git('init', '-q');
  // fixed identity and no background gc: this repo is a cache, not a workspace
  await git('config', 'user.name', 'uringspec');
  await git('config', 'user.email', 'uringspec@localhost');
  await git('config', 'gc.auto', '0');
  await git('config', 'core.autocrlf', 'false');
  await git('add', '-A');
  await git('commit', '-q', '--no-verify', '-m', `base: ${src.tarball}`);
  await git('tag', 'base');
  await writeFile(readyFile(tree), `${src.tarball}\n`);
  return tree;
}
