// `--kernel X` anywhere a kernel is taken: X is a recipe name (baseline,
// sendzc-provided-rfc), a recipe file (*.yaml), or a bzImage/vmlinux path.
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { InfraError, type Progress } from '../harness/target.ts';
import { buildKernel } from './build.ts';
import { findRecipe, listRecipes, RecipeError } from './recipe.ts';

export interface ResolveKernelOptions {
  progress?: Progress | undefined;
  /** Recipe variant, e.g. "kasan". */
  variant?: string;
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface ResolvedKernel {
  image: string;
  label: string;
  /** Set when a recipe was built (or found in the cache). */
  cacheHit?: boolean;
  buildSeconds?: number;
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

export async function resolveKernel(arg: string, opts: ResolveKernelOptions = {}): Promise<ResolvedKernel> {
  let recipe;
  try {
    recipe = await findRecipe(arg);
  } catch (e) {
    if (e instanceof RecipeError) throw new InfraError(e.message);
    throw e;
  }
  if (recipe) {
    const log = opts.log ?? (opts.progress ? (line: string) => opts.progress!({ phase: 'kernel', detail: line }) : undefined);
    const k = await buildKernel(recipe, {
      ...(opts.variant ? { variant: opts.variant } : {}),
      ...(opts.quiet !== undefined ? { quiet: opts.quiet } : {}),
      ...(log ? { log } : {}),
    });
    return { image: k.bzImage, label: k.name, cacheHit: k.cacheHit, buildSeconds: k.seconds };
  }
  const path = resolve(arg);
  if (existsSync(path)) {
    if (!imageKind(path)) throw new InfraError(`${arg} is neither a bzImage nor an ELF vmlinux`);
    return { image: path, label: basename(path) };
  }
  throw new InfraError(`no kernel "${arg}": not a recipe (known: ${(await listRecipes()).join(', ')}), not a *.yaml recipe file, not an image path`);
}
