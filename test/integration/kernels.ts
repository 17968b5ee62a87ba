// The recipe kernels for integration tests. .ci/run builds them first
// (npx uringspec kernel build --all); under CI a missing kernel is an error, never
// a skip. Locally the tests skip with the reason (or URINGSPEC_SKIP_KERNEL=1).
import { join } from 'node:path';
import { planKernel } from '../../src/kernel/build.ts';
import { findRecipe } from '../../src/kernel/recipe.ts';
import { need } from '../need.ts';

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
    const built = need(plan?.built && plan, { what: `kernel ${name} is not built`, build: 'npx uringspec kernel build --all --kasan' });
    if (!built) return undefined;
    out[name] = join(built.outDir, 'bzImage');
  }
  return out as Record<RecipeName, string>;
}
