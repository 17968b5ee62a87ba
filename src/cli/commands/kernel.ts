// `uringspec kernel build|list`: build (or find in the cache) the kernels the
// QEMU target boots, from the recipes in kernels/.
import { parseArgs } from 'node:util';
import { buildKernel, planKernel, type BuiltKernel } from '../../kernel/build.ts';
import { ensureKernels } from '../../kernel/ensure-kernels.ts';
import { findRecipe, listRecipes, loadRecipe, RECIPES_DIR } from '../../kernel/recipe.ts';
import { COMMON_OPTIONS, EXIT, UsageError, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';

const USAGE = `uringspec kernel build <recipe|recipe.yaml> [--kasan|--coverage] [--rebuild] [-q] [--json]
uringspec kernel build --all [--kasan|--coverage]
uringspec kernel list [--json]
  build   patch, configure and build a kernel from a recipe (a name from
          kernels/, e.g. sendzc-provided-rfc or baseline, or a recipe file);
          prints the image path, whether it was a cache hit, and the seconds
  --all   every kernel the corpus and the tests use (baseline, then the RFC)
  list    the recipes, and for each the cached image of its current inputs
  --kasan   the recipe's kasan variant (adds kernels/kconfig/kasan.config); with --all, both
  --coverage the recipe's coverage variant (gcov in io_uring/, kernels/kconfig/coverage.config)
  --rebuild build again even when the cache holds this exact kernel
  -q, --quiet no build progress
  --json    machine-readable output
Exit: 0 ok, 2 usage error, a patch that does not apply (the hunk is named), a
config symbol that did not stick, or a failed compile (the last log lines).`;

async function list(json: boolean): Promise<number> {
  const rows = [];
  for (const name of await listRecipes()) {
    const recipe = await loadRecipe(`${RECIPES_DIR}/${name}.yaml`);
    for (const variant of [undefined, ...Object.keys(recipe.variants)]) {
      const plan = await planKernel(recipe, variant);
      rows.push({
        name: plan.name,
        description: recipe.description ?? '',
        built: plan.built,
        image: plan.built ? `${plan.outDir}/vmlinux` : null,
        key: plan.key,
      });
    }
  }
  if (json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else {
    const w = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) process.stdout.write(`${r.name.padEnd(w)}  ${r.built ? r.image : 'not built'}\n`);
  }
  return EXIT.pass;
}

const command: Command = {
  name: 'kernel',
  summary: 'build or list the kernels QEMU runs (recipes in kernels/)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...COMMON_OPTIONS,
        kasan: { type: 'boolean', default: false },
        coverage: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        rebuild: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const [sub, arg, ...extra] = positionals;
    if (values.kasan && values.coverage) throw new UsageError('--kasan and --coverage are two variants: build one at a time');
    const variant = values.kasan ? 'kasan' : values.coverage ? 'coverage' : undefined;
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    if (sub === 'list') return await list(values.json);
    if (sub !== 'build') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'name a subcommand: build or list');
    if (values.all && arg) throw new UsageError('--all builds every test kernel: name no recipe with it');
    if (!values.all && !arg)
      throw new UsageError(`kernel build needs a recipe (${(await listRecipes()).join(', ')}), a recipe file, or --all`);
    const progress = progressPrinter(values.quiet);
    const log = (line: string) => progress({ phase: 'kernel', detail: line });
    const built: BuiltKernel[] = await withSignals(async (signal) => {
      const common = { log, signal, ...(values.rebuild ? { rebuild: true } : {}) };
      if (values.all) return ensureKernels({ ...common, ...(variant ? { also: variant } : {}) });
      const recipe = await findRecipe(arg!);
      if (!recipe)
        throw new UsageError(`no recipe "${arg}" (known: ${(await listRecipes()).join(', ')}; or give a path to a .yaml recipe)`);
      return [await buildKernel(recipe, { ...common, ...(variant ? { variant } : {}) })];
    });
    if (values.json) process.stdout.write(JSON.stringify(values.all ? built : built[0], null, 2) + '\n');
    else
      for (const k of built)
        process.stdout.write(
          `${k.vmlinux}\n${k.name}: ${k.cacheHit ? 'cache hit' : 'built'} in ${k.seconds.toFixed(1)} s (key ${k.key})\n`,
        );
    return EXIT.pass;
  },
};

export default command;
