// `--kernel X` anywhere a kernel is taken: X is a recipe name (baseline,
// sendzc-provided-rfc), a recipe file (*.yaml), or a bzImage/vmlinux path; or
// a recipe built in memory (`gate --series`).
// A recipe resolves to its vmlinux, which QEMU boots through the PVH entry
// point (CONFIG_PVH): no SeaBIOS real-mode setup and no decompression, about
// 0.5 s less from QEMU start to init under TCG than the bzImage.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileSha256 } from '../core/cache.ts';
import { InfraError } from '../core/errors.ts';
import { type Progress } from '../core/progress.ts';
import { buildKernel, COVERAGE_VARIANT, ensureSourceBranch, noCoverageSupport, type BuiltKernel } from './build.ts';
import { findRecipe, listRecipes, RecipeError, type Recipe } from './recipe.ts';

export interface ResolveKernelOptions {
  progress?: Progress | undefined;
  /** Recipe variant, e.g. "kasan". */
  variant?: string;
  /** The recipe's coverage variant; anything that cannot give coverage (an image, a recipe without the variant) is an error before any build. */
  coverage?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
  signal?: AbortSignal;
  rebuild?: boolean;
}

export interface ResolvedKernel {
  image: string;
  /** The same kernel with debug info, for symbolizing crash reports (when there is one). */
  debugImage?: string;
  label: string;
  /** Recipe builds: the content key of the build. */
  cacheKey?: string;
  /** Images given by path: their sha256. */
  sha256?: string;
  /** Set when a recipe was built (or found in the cache). */
  cacheHit?: boolean;
  buildSeconds?: number;
  /** The build, when a recipe was built (or found in the cache): its tree, branch, patches and gcov notes. */
  built?: BuiltKernel;
}

/** Asked for coverage of something that cannot give it: exit 2, before anything is built. */
export class NoCoverageError extends InfraError {
  constructor(kernel: string, why: string) {
    super(`--coverage: kernel "${kernel}" has no coverage support: ${why}`);
    this.name = 'NoCoverageError';
  }
}

/** bzImage has "HdrS" at 0x202; vmlinux is ELF. */
function imageKind(path: string): 'bzImage' | 'elf' | undefined {
  const buf = Buffer.alloc(0x206);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.subarray(0x202, 0x206).toString('latin1') === 'HdrS') return 'bzImage';
  if (buf.subarray(0, 4).toString('latin1') === '\x7fELF') return 'elf';
  return undefined;
}

/**
 * QEMU boots an ELF kernel only through its PVH entry point, announced by a
 * Xen ELF note of type XEN_ELFNOTE_PHYS32_ENTRY (18). Reads the program
 * headers of a 64-bit little-endian ELF and looks through its PT_NOTE segments.
 */
export function hasPvhNote(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const read = (pos: number, len: number) => {
      const b = Buffer.alloc(len);
      return b.subarray(0, readSync(fd, b, 0, len, pos));
    };
    const eh = read(0, 64);
    if (eh.length < 64 || eh[4] !== 2 || eh[5] !== 1) return false; // ELFCLASS64, little-endian
    const phoff = Number(eh.readBigUInt64LE(0x20));
    const phentsize = eh.readUInt16LE(0x36);
    const phnum = eh.readUInt16LE(0x38);
    for (let i = 0; i < phnum; i++) {
      const ph = read(phoff + i * phentsize, 56);
      if (ph.length < 56 || ph.readUInt32LE(0) !== 4) continue; // PT_NOTE
      const notes = read(Number(ph.readBigUInt64LE(8)), Math.min(Number(ph.readBigUInt64LE(32)), 1 << 20));
      for (let o = 0; o + 12 <= notes.length;) {
        const namesz = notes.readUInt32LE(o);
        const descsz = notes.readUInt32LE(o + 4);
        const type = notes.readUInt32LE(o + 8);
        const name = notes
          .subarray(o + 12, o + 12 + namesz)
          .toString('latin1')
          .replace(/\0+$/, '');
        if (name === 'Xen' && type === 18) return true;
        o += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3);
      }
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

async function recipeOf(arg: string | Recipe): Promise<Recipe | undefined> {
  if (typeof arg !== 'string') return arg;
  try {
    return await findRecipe(arg);
  } catch (e) {
    if (e instanceof RecipeError) throw new InfraError(e.message);
    throw e;
  }
}

/** Throws NoCoverageError unless `arg` names a recipe whose coverage variant builds with gcov: checked before anything is built. */
export async function checkCoverageKernel(arg: string | Recipe): Promise<void> {
  const recipe = await recipeOf(arg);
  if (!recipe) {
    if (typeof arg === 'string' && existsSync(resolve(arg)))
      throw new NoCoverageError(
        arg,
        'it is an image, and coverage needs the build that made it (the .gcno notes map the counters to lines): name a recipe with a coverage variant',
      );
    return; // not a kernel at all: resolveKernel says so
  }
  const why = await noCoverageSupport(recipe);
  if (why) throw new NoCoverageError(typeof arg === 'string' ? arg : recipe.name, why);
}

/**
 * What --kernel names, checked without building or booting anything: a
 * recipe, or a bootable image file. Commands call it before they compile, so
 * a misspelt kernel is exit 2 at once.
 */
export async function checkKernelArg(arg: string | Recipe): Promise<{ recipe: Recipe } | { path: string; kind: 'bzImage' | 'elf' }> {
  const recipe = await recipeOf(arg);
  if (recipe) return { recipe };
  if (typeof arg !== 'string') throw new Error('unreachable: a recipe object is a recipe');
  const path = resolve(arg);
  if (!existsSync(path))
    throw new InfraError(
      `no kernel "${arg}": not a recipe (known: ${(await listRecipes()).join(', ')}), not a *.yaml recipe file, not an image path`,
    );
  if (!statSync(path).isFile())
    throw new InfraError(`${arg} is a directory, not a kernel image: name a recipe, a recipe file, or a bzImage/vmlinux`);
  const kind = imageKind(path);
  if (!kind) throw new InfraError(`${arg} is neither a bzImage nor an ELF vmlinux`);
  if (kind === 'elf' && !hasPvhNote(path))
    throw new InfraError(
      `${arg} is an ELF vmlinux without a PVH entry note (CONFIG_PVH=y), which QEMU cannot boot; pass its bzImage instead`,
    );
  return { path, kind };
}

export async function resolveKernel(arg: string | Recipe, opts: ResolveKernelOptions = {}): Promise<ResolvedKernel> {
  if (opts.coverage) await checkCoverageKernel(arg);
  const checked = await checkKernelArg(arg);
  if ('recipe' in checked) return recipeKernel(checked.recipe, opts);
  const { path, kind } = checked;
  // An image given by path: its debug info is the image itself (an unstripped vmlinux) or a vmlinux.debug / vmlinux beside it.
  const debugImage = [
    `${path}.debug`,
    join(dirname(path), 'vmlinux.debug'),
    ...(kind === 'elf' ? [path] : [join(dirname(path), 'vmlinux')]),
  ].find((p) => existsSync(p));
  return { image: path, label: basename(path), sha256: await fileSha256(path), ...(debugImage ? { debugImage } : {}) };
}

async function recipeKernel(recipe: Recipe, opts: ResolveKernelOptions): Promise<ResolvedKernel> {
  const variant = opts.coverage ? COVERAGE_VARIANT : opts.variant;
  const log = opts.log ?? (opts.progress ? (line: string) => opts.progress!({ phase: 'kernel', detail: line }) : undefined);
  const k = await buildKernel(recipe, {
    ...(variant ? { variant } : {}),
    ...(opts.quiet !== undefined ? { quiet: opts.quiet } : {}),
    ...(log ? { log } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.rebuild ? { rebuild: true } : {}),
  });
  if (opts.coverage && !k.gcov) throw new NoCoverageError(recipe.name, `the build in ${dirname(k.vmlinux)} kept no gcov notes (.gcno)`);
  // coverage maps counters onto the series' commits: the branch must be in this cache's tree
  if (opts.coverage)
    await ensureSourceBranch(
      recipe,
      k,
      log ?? (opts.quiet ? () => {} : (line: string) => void process.stderr.write(line + '\n')),
      opts.signal,
    );
  return {
    image: k.vmlinux,
    debugImage: k.vmlinuxDebug,
    label: k.name,
    cacheKey: k.key,
    cacheHit: k.cacheHit,
    buildSeconds: k.seconds,
    built: k,
  };
}
