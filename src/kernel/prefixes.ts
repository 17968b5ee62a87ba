// The kernels a bisection over a patch series builds: one recipe per prefix
// of the series under test, made in memory from the recipe that carries it.
// The series is the recipe's last patch entry (kernels/*.yaml put the
// prerequisites first); prefix 0 is the recipe without it (the base and the
// prerequisites: the baseline), prefix k adds patches 1..k (`first: k`), and
// prefix n is the recipe itself. Every prefix has the recipe's config, so all
// of them share one object directory and each step rebuilds only what one
// patch changed; the cache key is the content of the patches git am gets,
// so a prefix built once is a cache hit after.
import { basename } from 'node:path';
import { readSeries, type Series } from '../series/read-series.ts';
import type { Patch } from '../series/schema.ts';
import { RecipeError, type Recipe } from './recipe.ts';

export interface SeriesPrefix {
  /** 0: the prerequisites alone; k: + patches 1..k; n: the whole series. */
  index: number;
  recipe: Recipe;
  /** The patch this prefix adds to the one before it (k >= 1). */
  patch?: Patch;
}

export interface SeriesPrefixes {
  /** The series under test, as read from the recipe's last patch entry. */
  series: Series;
  /** Prefixes 0..n, in order; the last one is the recipe as given. */
  prefixes: SeriesPrefix[];
}

/** "sendzc-provided-rfc" at 6 of 7 -> "sendzc-provided-rfc-6of7" (a recipe name: the cache entry's name). */
export const prefixName = (recipe: string, k: number, n: number): string => `${recipe}-${k}of${n}`;

export async function seriesPrefixes(recipe: Recipe): Promise<SeriesPrefixes> {
  const entry = recipe.patches[recipe.patches.length - 1];
  if (!entry) throw new RecipeError(`recipe ${recipe.name} applies no patches: there is no series to bisect`);
  const series = await readSeries(entry.path, entry.version !== undefined ? { version: entry.version } : {});
  const n = Math.min(series.patches.length, entry.first ?? series.patches.length);
  const before = recipe.patches.slice(0, -1);
  const prefixes: SeriesPrefix[] = [];
  for (let k = 0; k <= n; k++) {
    const patches = k === 0 ? before : [...before, { ...entry, first: k }];
    prefixes.push({
      index: k,
      recipe:
        k === n
          ? recipe
          : {
              ...recipe,
              name: prefixName(recipe.name, k, n),
              description: `${recipe.name} up to patch ${k}/${n} of ${basename(entry.path)}`,
              patches,
            },
      ...(k > 0 ? { patch: series.patches[k - 1]! } : {}),
    });
  }
  return { series: { ...series, patches: series.patches.slice(0, n) }, prefixes };
}
