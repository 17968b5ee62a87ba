// The kernels the shipped corpus and the tests need: the baseline first (the
// RFC tree is the baseline plus the RFC, so the second build reuses the
// object dir and compiles only what the RFC changes), then the RFC; with
// a variant (kasan, coverage), that variant of each too. Works on a fresh machine: the orig tarball
// is fetched with apt-get source.
import { RecipeError, findRecipe } from './recipe.ts';
import { buildKernel, type BuildOptions, type BuiltKernel } from './build.ts';

export const TEST_KERNELS = ['baseline', 'sendzc-provided-rfc'] as const;

export async function ensureKernels(opts: { also?: string } & Omit<BuildOptions, 'variant'> = {}): Promise<BuiltKernel[]> {
  const out: BuiltKernel[] = [];
  for (const variant of opts.also ? [undefined, opts.also] : [undefined]) {
    for (const name of TEST_KERNELS) {
      const recipe = await findRecipe(name);
      if (!recipe) throw new RecipeError(`recipe ${name} missing from kernels/`);
      out.push(await buildKernel(recipe, { ...opts, ...(variant ? { variant } : {}) }));
    }
  }
  return out;
}
