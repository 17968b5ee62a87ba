// Kernel recipes (kernels/*.yaml): a base source tarball, patches applied in
// order with `git am -3`, and Kconfig fragments merged over a base config.
// Paths in a recipe are relative to the recipe file, as in every build tool:
// the shipped recipes name ../series/*.mbox and patches/, kconfig/ beside them.
// `gate --series` builds its recipes in memory (seriesRecipes), never as files.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InfraError } from '../core/errors.ts';
import { KERNELS_DIR } from '../core/paths.ts';
import { readSeries, type Series } from '../series/read-series.ts';

export const RECIPES_DIR = KERNELS_DIR;

/** debian:<source package>=<version>, e.g. debian:linux=6.12.8-1 (the upstream orig tarball is used). */
export const BASE_RE = /^debian:[a-z0-9][a-z0-9.+-]*=[0-9][A-Za-z0-9.+~:-]*$/;

const PatchEntrySchema = z.strictObject({
  /** An mbox, a thread page, a format-patch file or a directory of them. */
  path: z.string().min(1),
  /** Files whose hunks are left out of every patch of this entry (git am --exclude). */
  exclude: z.array(z.string().min(1)).optional(),
  /** Series version to take when the input holds several (default: newest). */
  version: z.number().int().positive().optional(),
  /** Apply only patches 1..first of this entry: a prefix of the series (what `bisect` builds). */
  first: z.number().int().nonnegative().optional(),
  /** Why this entry is here / what it does (free text, for people). */
  note: z.string().optional(),
});

const FragmentsSchema = z.array(z.string().min(1)).default([]);

export const RecipeSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'name: lower-case letters, digits, ".", "_", "-"'),
  description: z.string().optional(),
  base: z.string().regex(BASE_RE, 'base: expected "debian:<package>=<version>", e.g. debian:linux=6.12.8-1'),
  patches: z.array(PatchEntrySchema).default([]),
  config: z.strictObject({
    base: z.enum(['tinyconfig', 'defconfig', 'allnoconfig']).default('tinyconfig'),
    fragments: FragmentsSchema,
  }),
  /**
   * Named variants adding fragments, e.g. kasan: { fragments: [kconfig/kasan.config] }, and patches
   * applied after the recipe's own (build instrumentation, never part of the series under test).
   */
  variants: z
    .record(z.string(), z.strictObject({ fragments: FragmentsSchema, patches: z.array(PatchEntrySchema).default([]) }))
    .default({}),
});

/** A loaded recipe: every path absolute (resolved against the recipe's directory). */
export type Recipe = z.infer<typeof RecipeSchema> & { file: string };
export type PatchEntry = z.infer<typeof PatchEntrySchema>;

export class RecipeError extends InfraError {
  constructor(message: string) {
    super(message);
    this.name = 'RecipeError';
  }
}

/** Debian source package coordinates derived from `base`. */
export function baseSource(base: string): { pkg: string; version: string; upstream: string; tarball: string; topDir: string } {
  const [, spec] = base.split(':') as [string, string];
  const [pkg, version] = spec.split('=') as [string, string];
  const upstream = version.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
  return { pkg, version, upstream, tarball: `${pkg}_${upstream}.orig.tar.xz`, topDir: `${pkg}-${upstream}` };
}

function formatZodError(err: z.ZodError): string {
  return err.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`).join('\n');
}

/** Validates recipe data and resolves its paths against `dir`. */
export function recipeFromData(data: unknown, file: string): Recipe {
  const parsed = RecipeSchema.safeParse(data);
  if (!parsed.success) throw new RecipeError(`${file}: invalid kernel recipe:\n${formatZodError(parsed.error)}`);
  const dir = dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const r = parsed.data;
  const recipe: Recipe = {
    ...r,
    file,
    patches: r.patches.map((p) => ({ ...p, path: abs(p.path) })),
    config: { ...r.config, fragments: r.config.fragments.map(abs) },
    variants: Object.fromEntries(
      Object.entries(r.variants).map(([k, v]) => [
        k,
        { fragments: v.fragments.map(abs), patches: v.patches.map((p) => ({ ...p, path: abs(p.path) })) },
      ]),
    ),
  };
  const missing = [
    ...recipe.patches.map((p) => p.path),
    ...recipe.config.fragments,
    ...Object.values(recipe.variants).flatMap((v) => [...v.fragments, ...v.patches.map((p) => p.path)]),
  ].filter((p) => !existsSync(p));
  if (missing.length > 0)
    throw new RecipeError(
      `${file}: these paths do not exist (relative paths are from the recipe's directory, ${dir}):\n${missing.map((m) => `  - ${m}`).join('\n')}`,
    );
  return recipe;
}

export async function loadRecipe(file: string): Promise<Recipe> {
  let text: string;
  try {
    text = await readFile(file, 'utf-8');
  } catch {
    throw new RecipeError(`cannot read recipe ${file}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new RecipeError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return recipeFromData(data, file);
}

export async function listRecipes(): Promise<string[]> {
  return (await readdir(RECIPES_DIR))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => basename(f).replace(/\.ya?ml$/, ''))
    .sort();
}

/** The files a kernel argument reads: a recipe with its patches and config fragments, or the image itself. */
export async function kernelInputs(kernel: string | Recipe): Promise<string[]> {
  const recipe = typeof kernel === 'string' ? await findRecipe(kernel) : kernel;
  if (!recipe) return [kernel as string];
  const fragments = [...recipe.config.fragments, ...Object.values(recipe.variants).flatMap((v) => v.fragments)];
  return [recipe.file, ...recipe.patches.map((p) => p.path), ...fragments];
}

/** A built-in recipe name ("baseline") or a path to a recipe file. */
export async function findRecipe(nameOrPath: string): Promise<Recipe | undefined> {
  for (const ext of ['.yaml', '.yml']) {
    const builtin = join(RECIPES_DIR, nameOrPath + ext);
    if (/^[a-z0-9._-]+$/.test(nameOrPath) && existsSync(builtin)) return loadRecipe(builtin);
  }
  if (/\.ya?ml$/i.test(nameOrPath)) return loadRecipe(resolve(nameOrPath));
  return undefined;
}

/** A series file given to `gate --series`, with the version to take when it holds several. */
export interface SeriesInput {
  path: string;
  version?: number;
}

export interface SeriesRecipes {
  /** The kernel under test: its base, then the series in the order given. */
  patched: Recipe;
  /** What it is compared with. */
  baseline: Recipe;
  /** Each series as read (in order), for naming it in reports. */
  series: Series[];
}

/**
 * The recipes `gate --series` builds, in memory. On the baseline recipe's own
 * base the series go on top of its patches (the base plus the prerequisites,
 * as sendzc-provided-rfc.yaml does) and that recipe is the comparison. On
 * another base those prerequisites were written for a different tree, so the
 * series go on the bare base and the comparison is the bare base. Config and
 * variants always come from the baseline recipe, so both kernels share an
 * object directory. Every series is read here: a file that is not one fails
 * before anything is built.
 */
export async function seriesRecipes(inputs: SeriesInput[], o: { baseline: Recipe; base?: string }): Promise<SeriesRecipes> {
  const series: Series[] = [];
  for (const i of inputs) series.push(await readSeries(i.path, i.version !== undefined ? { version: i.version } : {}));
  const base = o.base ?? o.baseline.base;
  const onRecipe = base === o.baseline.base;
  const shared = { file: `${o.baseline.file} (gate --series)`, config: o.baseline.config, variants: o.baseline.variants };
  const baseline: Recipe = onRecipe
    ? o.baseline
    : { ...shared, name: baseLabel(base), description: `${base} as Debian ships it, no patches`, base, patches: [] };
  const entries = inputs.map((i) => ({ path: resolve(i.path), ...(i.version !== undefined ? { version: i.version } : {}) }));
  const patched: Recipe = {
    ...shared,
    name: seriesLabel(series),
    description: `${onRecipe ? o.baseline.name : base} + ${series.map((s) => seriesTitle(s)).join(' + ')}`,
    base,
    patches: [...baseline.patches, ...entries],
  };
  return { patched, baseline, series };
}

/** "debian:linux=6.13.5-1" -> "linux-6.13.5-1". */
export function baseLabel(base: string): string {
  const { pkg, version } = baseSource(base);
  return `${pkg}-${version.replace(/^\d+:/, '')}`;
}

/** The subject a series goes by: its cover letter's, else patch 1's (without the [PATCH] tags). */
export function seriesTitle(s: Series): string {
  return s.coverSubject ?? s.patches[0]!.subject;
}

/**
 * A short kernel label for series: each one's subject without the subsystem
 * prefix and the leading "add support for", cut at a word within 28
 * characters, then -rfc and -vN when posted so; several joined by "+".
 * "[PATCHSET RFC 0/7] Add support for provided registered buffers" -> provided-registered-buffers-rfc.
 */
export function seriesLabel(series: Series[]): string {
  return series
    .map((s) => {
      const words = seriesTitle(s)
        .replace(/^[\w./-]+:\s+/, '')
        .replace(/^(?:(?:add|introduce|implement)\s+)?(?:support\s+(?:for|of)\s+)?/i, '')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
      let slug = '';
      for (const w of words) {
        const next = slug ? `${slug}-${w}` : w;
        if (next.length > 28 && slug) break;
        slug = next.slice(0, 28);
      }
      const rfc = /\bRFC\b/i.test(s.coverTags ?? s.patches[0]!.tags) ? '-rfc' : '';
      return `${slug || 'series'}${rfc}${s.version > 1 ? `-v${s.version}` : ''}`;
    })
    .join('+');
}
