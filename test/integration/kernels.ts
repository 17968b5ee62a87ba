// The recipe kernels for integration tests. .ci/run builds them first
// (npx uringspec kernel build --all); under CI a missing kernel is an error, never
// a skip. Locally the tests skip with the reason (or URINGSPEC_SKIP_KERNEL=1).
import { join } from 'node:path';
import { planKernel } from '../../src/kernel/build.ts';
import { findRecipe } from '../../src/kernel/recipe.ts';

export const RECIPES = ['sendzc-provided-rfc', 'baseline'] as const;
export type RecipeName = (typeof RECIPES)[number];

export async function builtKernels(): Promise<Record<RecipeName, string> | undefined> {
  if (process.env.URINGSPEC_SKIP_KERNEL === '1') {
    if (process.env.CI) throw new Error('URINGSPEC_SKIP_KERNEL=1 under CI: the kernel tests would not run');
    return undefined;
  }
  const out: Partial<Record<RecipeName, string>> = {};
  for (const name of RECIPES) {
    const recipe = await findRecipe(name);
    const plan = recipe ? await planKernel(recipe) : undefined;
    if (!plan?.built) {
      const why = `kernel ${name} is not built (run: npx uringspec kernel build --all)`;
      if (process.env.CI) throw new Error(why);
      console.warn(`[integration] skipping: ${why}`);
      return undefined;
    }
    out[name] = join(plan.outDir, 'bzImage');
  }
  return out as Record<RecipeName, string>;
}
