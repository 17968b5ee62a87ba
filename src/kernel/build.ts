// buildKernel(recipe) -> a kernel image for QEMU, cached by content.
//
// Layout under the cache (~/.cache/uringspec or $URINGSPEC_CACHE):
//   src/<orig tarball>                 apt-get source --download-only
//   trees/<pkg>-<ver>/                 git repo: tag "base" + one branch per patch set
//   obj/<pkg>-<ver>-<config key>/      O= dir shared by every recipe with the same config,
//                                      so baseline and RFC builds are incremental to each other
//   kernels/<recipe>[-variant]-<key>/  a cache entry (core/cache.ts): bzImage, vmlinux, config, build.log, meta.json
// The key hashes the content of every input, never a path or a name: the base
// tarball name, every patch as git am gets it (format-patch text and excluded
// files, so a `b4 am` export of a thread is the same kernel as the thread),
// the config fragments and the compiler. An entry is named <name>-<key>; a
// whole entry with the same key under another name (a recipe, and `gate
// --series` of its patches) is that kernel and is reused. The tree and the
// object dirs are shared, so a build holds the tree lock from checkout to the
// last copy.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { branchExists, checkApplies, checkoutPatched, preparePatches, type PreparedPatch } from './apply-patches.ts';
import { BuildError } from './build-error.ts';
import { cachedEntry, cacheDir, checkEntry, sha256 } from '../core/cache.ts';
import { compilerId } from '../core/cc.ts';
import { checkKconfig, parseConfig } from './kconfig-check.ts';
import { ensureTarball, ensureTree, treeReady } from './kernel-source.ts';
import { withLock } from '../core/lock.ts';
import { runMake } from './make-progress.ts';
import { baseSource, type Recipe } from './recipe.ts';

const KEY_SCHEMA = 'uringspec-kernel-v1';

export interface BuildOptions {
  /** A variant named in the recipe (e.g. "kasan", "coverage"), adding its fragments. */
  variant?: string;
  quiet?: boolean;
  /** Progress and info lines; default stderr unless quiet. */
  log?: (line: string) => void;
  jobs?: number;
  signal?: AbortSignal;
  /** Build again even when a whole cache entry exists (--rebuild). */
  rebuild?: boolean;
}

export interface BuiltKernel {
  name: string;
  bzImage: string;
  vmlinux: string;
  /** vmlinux with debug info (line tables), for symbolizing crash reports on the host. */
  vmlinuxDebug: string;
  configPath: string;
  key: string;
  cacheHit: boolean;
  seconds: number;
  /** The patched source tree (git branch checked out at build time): one commit per patch over tag "base". */
  tree: string;
  /**
   * The tree the build compiled (meta.json): its gcov notes and debug info name sources under it. The same as
   * `tree` unless the cache entry was built under another cache directory.
   */
  builtTree: string;
  branch: string;
  /** The patches on the branch, in order: the recipe's, then the variant's. */
  patches: PreparedPatch[];
  logPath: string;
  /** A gcov build (CONFIG_GCOV_KERNEL, the coverage variant): the .gcno notes by object path (io_uring/net.gcno), and the O= dir the guest's debugfs names them under. */
  gcov?: GcovNotes;
}

export interface GcovNotes {
  /** Directory of .gcno files, laid out as in the object dir. */
  dir: string;
  /** The object dir they were built in: /sys/kernel/debug/gcov/<objDir>/io_uring/net.gcda in the guest. */
  objDir: string;
}

/** The gcov notes of a build: copied into the entry, since the object dir is shared with the other recipes of this config. */
const GCOV_DIR = 'gcov';

async function copyGcovNotes(objDir: string, dest: string): Promise<number> {
  const found = await execa('find', ['.', '-name', '*.gcno', '-type', 'f'], { cwd: objDir, reject: false, all: true });
  if (found.exitCode !== 0) throw new BuildError(`listing the .gcno files of ${objDir} failed`, found.all);
  const files = found.stdout.split('\n').filter(Boolean);
  for (const f of files) {
    await mkdir(join(dest, dirname(f)), { recursive: true });
    await copyFile(join(objDir, f), join(dest, f));
  }
  return files.length;
}

async function ccacheWrapper(): Promise<string | undefined> {
  const r = await execa('ccache', ['--version'], { reject: false });
  return r.exitCode === 0 ? 'ccache gcc' : undefined;
}

/** The variant `--coverage` builds: gcov in io_uring/ (kernels/kconfig/coverage.config). */
export const COVERAGE_VARIANT = 'coverage';

/**
 * Why this recipe cannot give coverage (undefined when it can): it needs a "coverage" variant whose
 * fragments turn on CONFIG_GCOV_KERNEL. Checked before anything is built.
 */
export async function noCoverageSupport(recipe: Recipe): Promise<string | undefined> {
  const v = recipe.variants[COVERAGE_VARIANT];
  if (!v)
    return `recipe ${recipe.name} (${recipe.file}) has no "${COVERAGE_VARIANT}" variant (has: ${Object.keys(recipe.variants).join(', ') || 'none'}); add one as kernels/sendzc-provided-rfc.yaml does`;
  const fragments = [...recipe.config.fragments, ...v.fragments];
  const gcov = (await Promise.all(fragments.map(async (f) => parseConfig(await readFile(f, 'utf8')).get('CONFIG_GCOV_KERNEL')))).filter(
    Boolean,
  );
  if (gcov.at(-1) !== 'y')
    return `the "${COVERAGE_VARIANT}" variant of recipe ${recipe.name} does not set CONFIG_GCOV_KERNEL=y in its fragments (${v.fragments.map((f) => basename(f)).join(', ') || 'none'})`;
  return undefined;
}

async function fragmentsOf(recipe: Recipe, variant?: string): Promise<string[]> {
  const extra = variant ? recipe.variants[variant] : undefined;
  if (variant && !extra) {
    throw new BuildError(`recipe ${recipe.name} has no variant "${variant}" (has: ${Object.keys(recipe.variants).join(', ') || 'none'})`);
  }
  return [...recipe.config.fragments, ...(extra?.fragments ?? [])];
}

export interface KernelPlan {
  name: string;
  /** Directory name under kernels/ in the cache. */
  entryKey: string;
  key: string;
  configKey: string;
  outDir: string;
  tree: string;
  branch: string;
  fragments: string[];
  patches: PreparedPatch[];
  gcc: string;
  cc: string | undefined;
  /** True when outDir already holds this exact build. */
  built: boolean;
}

/** A whole entry of this key built under another name: the same kernel. */
async function entryWithKey(key: string): Promise<string | undefined> {
  const names = await readdir(cacheDir('kernels')).catch(() => [] as string[]);
  for (const n of names.sort()) if (n.endsWith(`-${key}`) && (await checkEntry(cacheDir('kernels', n))) === undefined) return n;
  return undefined;
}

/** Everything about a build that is known without building: the cache key and paths. */
export async function planKernel(recipe: Recipe, variant?: string): Promise<KernelPlan> {
  const src = baseSource(recipe.base);
  const fragments = await fragmentsOf(recipe, variant);
  const patches = await preparePatches(recipe, variant);
  const gcc = await compilerId();
  const cc = await ccacheWrapper();
  const fragmentBytes = await Promise.all(fragments.map(async (f) => [basename(f), await readFile(f)] as const));
  const configKey = sha256(KEY_SCHEMA, src.tarball, recipe.config.base, ...fragmentBytes.flat(), gcc, cc ?? 'gcc').slice(0, 12);
  const patchKey = sha256(KEY_SCHEMA, src.tarball, ...patches.flatMap((p) => [p.text, p.exclude.join(',')]));
  const key = sha256(patchKey, configKey).slice(0, 16);
  const name = `${recipe.name}${variant ? `-${variant}` : ''}`;
  const own = `${name}-${key}`;
  const entryKey = (await checkEntry(cacheDir('kernels', own))) === undefined ? own : ((await entryWithKey(key)) ?? own);
  const outDir = cacheDir('kernels', entryKey);
  return {
    entryKey,
    name,
    key,
    configKey,
    outDir,
    tree: cacheDir('trees', src.topDir),
    branch: `uringspec/${patchKey.slice(0, 16)}`,
    fragments,
    patches,
    gcc,
    cc,
    built: (await checkEntry(outDir)) === undefined,
  };
}

/**
 * A cached kernel can outlive the tree it was built from (a cache where only kernels/ was kept, copied or
 * linked): what needs the series' commits (coverage's line map) makes the tree and the branch again, without
 * building. Under the tree's lock, as a build.
 */
export async function ensureSourceBranch(recipe: Recipe, k: BuiltKernel, log: (s: string) => void, signal?: AbortSignal): Promise<void> {
  if (treeReady(k.tree) && (await branchExists(k.tree, k.branch))) return;
  log(`[kernel] ${k.name}: the cached build's source tree is not in this cache: unpacking it and applying the patches (no build)`);
  const tarball = await ensureTarball(recipe, log);
  await withLock(
    cacheDir('locks', `tree-${baseSource(recipe.base).topDir}`),
    async () => {
      await ensureTree(recipe, tarball, log);
      await checkoutPatched(k.tree, k.branch, k.patches, log);
    },
    { log, ...(signal ? { signal } : {}) },
  );
}

export async function buildKernel(recipe: Recipe, opts: BuildOptions = {}): Promise<BuiltKernel> {
  const t0 = Date.now();
  const log = opts.log ?? ((s: string) => (opts.quiet ? undefined : process.stderr.write(s + '\n')));
  const src = baseSource(recipe.base);
  const plan = await planKernel(recipe, opts.variant);
  const { name, key, configKey, outDir, tree, branch, fragments, patches, gcc, cc } = plan;
  let seconds = 0;
  const entry = await cachedEntry({
    kind: 'kernels',
    key: plan.entryKey,
    log,
    ...(opts.rebuild ? { rebuild: true } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    build: async (staging) => {
      const tarball = await ensureTarball(recipe, log);
      // A patch that does not apply is found now, not after another build releases the tree.
      if (treeReady(tree)) await checkApplies(tree, branch, patches);
      // The tree and object dir are shared by every recipe on this base.
      await withLock(
        cacheDir('locks', `tree-${src.topDir}`),
        async () => {
          await ensureTree(recipe, tarball, log);
          await checkoutPatched(tree, branch, patches, log);
          const objDir = cacheDir('obj', `${src.topDir}-${configKey}`);
          await mkdir(objDir, { recursive: true });
          const logFile = join(staging, 'build.log');
          const makeVars = cc ? [`CC=${cc}`] : [];
          const make = (args: string[], progress = false) =>
            runMake({
              tree,
              objDir,
              args: [...makeVars, ...args],
              logFile,
              log,
              progress,
              ...(opts.signal ? { signal: opts.signal } : {}),
            });
          process.env.CCACHE_DIR ??= cacheDir('ccache');

          log(`[kernel] ${name}: configuring (${recipe.config.base} + ${fragments.map((f) => basename(f)).join(' + ')})`);
          await make([recipe.config.base]);
          const merge = await execa(
            join(tree, 'scripts/kconfig/merge_config.sh'),
            ['-m', '-O', objDir, join(objDir, '.config'), ...fragments],
            { cwd: tree, reject: false, all: true },
          );
          if (merge.exitCode !== 0) throw new BuildError('merge_config.sh failed', merge.all);
          await make(['olddefconfig']);
          const bad = await checkKconfig(join(objDir, '.config'), fragments);
          if (bad.length > 0) {
            throw new BuildError(
              `required kernel config symbols did not end up in ${join(objDir, '.config')} (unmet dependencies?):\n` +
                bad.map((b) => `  - ${b.wanted} (from ${basename(b.fragment)}): got ${b.got}`).join('\n'),
            );
          }
          const jobs = opts.jobs ?? cpus().length;
          log(`[kernel] ${name}: make -j${jobs} bzImage in ${objDir}${cc ? ' (ccache)' : ''}; log: ${join(outDir, 'build.log')}`);
          await make([`-j${jobs}`, 'bzImage'], true);
          await copyFile(join(objDir, 'arch/x86/boot/bzImage'), join(staging, 'bzImage'));
          // The guest boots vmlinux without debug info; vmlinux.debug (line tables) stays on the host for crash symbolization.
          await copyFile(join(objDir, 'vmlinux'), join(staging, 'vmlinux.debug'));
          const strip = await execa('objcopy', ['--strip-debug', join(objDir, 'vmlinux'), join(staging, 'vmlinux')], {
            reject: false,
            all: true,
          });
          if (strip.exitCode !== 0) throw new BuildError('objcopy --strip-debug vmlinux failed', strip.all);
          await copyFile(join(objDir, '.config'), join(staging, 'config'));
          if (/^CONFIG_GCOV_KERNEL=y$/m.test(await readFile(join(objDir, '.config'), 'utf8'))) {
            const n = await copyGcovNotes(objDir, join(staging, GCOV_DIR));
            if (n === 0) throw new BuildError(`CONFIG_GCOV_KERNEL=y but the build left no .gcno file in ${objDir}`);
            await writeFile(join(staging, GCOV_DIR, 'objdir'), `${objDir}\n`);
            log(`[kernel] ${name}: ${n} gcov notes (.gcno) kept for coverage`);
          }
          seconds = (Date.now() - t0) / 1000;
          await writeFile(
            join(staging, 'meta.json'),
            JSON.stringify(
              {
                recipe: recipe.name,
                variant: opts.variant ?? null,
                key,
                branch,
                tree,
                objDir,
                gcc,
                seconds,
                builtAt: new Date().toISOString(),
                patches: patches.map((p) => p.label),
              },
              null,
              2,
            ),
          );
        },
        { log, ...(opts.signal ? { signal: opts.signal } : {}) },
      );
    },
  });
  const meta = JSON.parse(await readFile(join(outDir, 'meta.json'), 'utf8').catch(() => '{}')) as { tree?: string };
  const gcovDir = join(outDir, GCOV_DIR);
  const gcov = existsSync(gcovDir) ? { dir: gcovDir, objDir: (await readFile(join(gcovDir, 'objdir'), 'utf8')).trim() } : undefined;
  return {
    ...(gcov ? { gcov } : {}),
    name,
    bzImage: join(outDir, 'bzImage'),
    vmlinux: join(outDir, 'vmlinux'),
    vmlinuxDebug: join(outDir, 'vmlinux.debug'),
    configPath: join(outDir, 'config'),
    key,
    cacheHit: entry.hit,
    seconds: entry.hit ? (Date.now() - t0) / 1000 : seconds,
    tree,
    builtTree: meta.tree ?? tree,
    branch,
    patches,
    logPath: join(outDir, 'build.log'),
  };
}
