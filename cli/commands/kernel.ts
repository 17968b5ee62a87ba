// `uringspec kernel build|list`: build (or find in the cache) the kernels the
// QEMU target boots, from the recipes in vm/kernels/.
import { parseArgs } from 'node:util';
import { buildKernel, planKernel } from '../../vm/build.ts';
import { findRecipe, listRecipes, loadRecipe, RECIPES_DIR } from '../../vm/recipe.ts';
import { UsageError, type Command } from '../command.ts';

const USAGE = `uringspec kernel build <recipe|recipe.yaml> [--kasan] [--quiet] [--json]
uringspec kernel list [--json]
  build   patch, configure and build a kernel from a recipe (a name from
          vm/kernels/, e.g. sendzc-provided-rfc or baseline, or a recipe file);
          prints the bzImage path, whether it was a cache hit, and the seconds
  list    the recipes, and for each the cached image of its current inputs
  --kasan   the recipe's kasan variant (adds vm/kconfig/kasan.config)
  --quiet   no build progress
  --json    machine-readable output
Exit: 0 ok, 2 usage error, a patch that does not apply (the hunk is named), a
config symbol that did not stick, or a failed compile (the last log lines).`;

async function list(json: boolean): Promise<number> {
  const rows = [];
  for (const name of await listRecipes()) {
    const recipe = await loadRecipe(`${RECIPES_DIR}/${name}.yaml`);
    for (const variant of [undefined, ...Object.keys(recipe.variants)]) {
      const plan = await planKernel(recipe, variant);
      rows.push({ name: plan.name, description: recipe.description ?? '', built: plan.built, image: plan.built ? `${plan.outDir}/bzImage` : null, key: plan.key });
    }
  }
  if (json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else {
    const w = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) process.stdout.write(`${r.name.padEnd(w)}  ${r.built ? r.image : 'not built'}\n`);
  }
  return 0;
}

const command: Command = {
  name: 'kernel',
  summary: 'build or list the kernels QEMU runs (recipes in vm/kernels/)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { kasan: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    const [sub, arg, ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (sub === 'list') return await list(values.json!);
    if (sub !== 'build') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'name a subcommand: build or list');
    if (!arg) throw new UsageError(`kernel build needs a recipe (${(await listRecipes()).join(', ')}) or a recipe file`);
    const recipe = await findRecipe(arg);
    if (!recipe) throw new UsageError(`no recipe "${arg}" (known: ${(await listRecipes()).join(', ')}; or give a path to a .yaml recipe)`);
    const k = await buildKernel(recipe, { quiet: values.quiet!, ...(values.kasan ? { variant: 'kasan' } : {}) });
    if (values.json) process.stdout.write(JSON.stringify(k, null, 2) + '\n');
    else process.stdout.write(`${k.bzImage}\n${k.name}: ${k.cacheHit ? 'cache hit' : 'built'} in ${k.seconds.toFixed(1)} s (key ${k.key})\n`);
    return 0;
  },
};

export default command;
