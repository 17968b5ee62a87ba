// Kernel recipes (kernels/*.yaml): a base source tarball, patches applied in
// order with `git am -3`, and Kconfig fragments merged over a base config.
// Paths in a recipe are relative to the recipe file, as in every build tool:
// the shipped recipes name ../series/*.mbox and patches/, kconfig/ beside them.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InfraError } from '../core/errors.ts';
import { KERNELS_DIR } from '../core/paths.ts';

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

/** A built-in recipe name ("baseline") or a path to a recipe file. */
export async function findRecipe(nameOrPath: string): Promise<Recipe | undefined> {
  for (const ext of ['.yaml', '.yml']) {
    const builtin = join(RECIPES_DIR, nameOrPath + ext);
    if (/^[a-z0-9._-]+$/.test(nameOrPath) && existsSync(builtin)) return loadRecipe(builtin);
  }
  if (/\.ya?ml$/i.test(nameOrPath)) return loadRecipe(resolve(nameOrPath));
  return undefined;
}
