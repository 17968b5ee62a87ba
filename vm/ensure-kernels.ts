// Setup / CI entry point: `npx tsx vm/ensure-kernels.ts [--kasan] [--quiet]`.
// Builds (or finds in the cache) every kernel the QEMU tests need and prints
// "name<TAB>bzImage<TAB>cache-hit|built<TAB>seconds" per kernel. The baseline
// goes first: the RFC tree is the baseline plus the RFC, so the second build
// reuses the object dir and compiles only what the RFC changes.
// Works on a fresh machine: the orig tarball is fetched with apt-get source.
import { parseArgs } from 'node:util';
import { InfraError } from '../harness/target.ts';
import { buildKernel, type BuiltKernel } from './build.ts';
import { buildGuestInit } from './guest/build-init.ts';
import { findRecipe, RecipeError } from './recipe.ts';

export const TEST_KERNELS = ['baseline', 'sendzc-provided-rfc'] as const;

export async function ensureKernels(opts: { kasan?: boolean; quiet?: boolean } = {}): Promise<BuiltKernel[]> {
  await buildGuestInit();
  const out: BuiltKernel[] = [];
  for (const variant of opts.kasan ? [undefined, 'kasan'] : [undefined]) {
    for (const name of TEST_KERNELS) {
      const recipe = await findRecipe(name);
      if (!recipe) throw new InfraError(`recipe ${name} missing from vm/kernels/`);
      out.push(await buildKernel(recipe, { ...(opts.quiet ? { quiet: true } : {}), ...(variant ? { variant } : {}) }));
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { kasan: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } } });
  try {
    for (const k of await ensureKernels({ kasan: values.kasan!, quiet: values.quiet! })) {
      process.stdout.write(`${k.name}\t${k.bzImage}\t${k.cacheHit ? 'cache-hit' : 'built'}\t${k.seconds.toFixed(1)}\n`);
    }
  } catch (e) {
    if (e instanceof InfraError || e instanceof RecipeError) {
      process.stderr.write(`ensure-kernels: ${e.message}\n`);
      process.exitCode = 2;
    } else throw e;
  }
}
