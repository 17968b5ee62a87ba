// Kernel recipes (vm/kernels/*.yaml): a base source tarball, patches applied
// in order with `git am -3`, and Kconfig fragments merged over a base config.
// Relative paths in a recipe are resolved against the repository root, so the
// shared series sit at ../shared/series/... and our own files at vm/....
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InfraError } from '../harness/target.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const RECIPES_DIR = join(REPO_ROOT, 'vm', 'kernels');

const PatchEntrySchema = z
  .object({
    /** An mbox, a thread page, a format-patch file or a directory of them. */
    path: z.string().min(1),
    /** Files whose hunks are left out of every patch of this entry (git am --exclude). */
    exclude: z.array(z.string().min(1)).optional(),
    /** Series version to take when the input holds several (default: newest). */
    version: z.number().int().positive().optional(),
    /** Why this entry is here / what it does (free text, for people). */
    note: z.string().optional(),
  })
  .strict();

const FragmentsSchema = z.array(z.string().min(1)).default([]);

export const RecipeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'name: lower-case letters, digits, ".", "_", "-"'),
    description: z.string().optional(),
    /** debian:<source package>=<version>, e.g. debian:linux=6.12.8-1 (the upstream orig tarball is used). */
    base: z.string().regex(/^debian:[a-z0-9][a-z0-9.+-]*=[0-9][A-Za-z0-9.+~:-]*$/, 'base: expected "debian:<package>=<version>", e.g. debian:linux=6.12.8-1'),
    patches: z.array(PatchEntrySchema).default([]),
    config: z
      .object({
        base: z.enum(['tinyconfig', 'defconfig', 'allnoconfig']).default('tinyconfig'),
        fragments: FragmentsSchema,
      })
      .strict(),
    /** Named variants adding fragments, e.g. kasan: { fragments: [vm/kconfig/kasan.config] }. */
    variants: z.record(z.string(), z.object({ fragments: FragmentsSchema }).strict()).default({}),
  })
  .strict();

export type Recipe = z.infer<typeof RecipeSchema> & { file: string };
export type PatchEntry = z.infer<typeof PatchEntrySchema>;

export class RecipeError extends InfraError {
  constructor(message: string) {
    super(message);
    this.name = 'RecipeError';
  }
}

export function repoPath(p: string): string {
  return isAbsolute(p) ? p : join(REPO_ROOT, p);
}

/** Debian source package coordinates derived from `base`. */
export function baseSource(recipe: Recipe): { pkg: string; version: string; upstream: string; tarball: string; topDir: string } {
  const [, spec] = recipe.base.split(':') as [string, string];
  const [pkg, version] = spec.split('=') as [string, string];
  const upstream = version.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
  return { pkg, version, upstream, tarball: `${pkg}_${upstream}.orig.tar.xz`, topDir: `${pkg}-${upstream}` };
}

function formatZodError(err: z.ZodError): string {
  return err.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`).join('\n');
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
    throw new RecipeError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = RecipeSchema.safeParse(data);
  if (!parsed.success) throw new RecipeError(`${file}: invalid kernel recipe:\n${formatZodError(parsed.error)}`);
  const recipe: Recipe = { ...parsed.data, file };
  const missing = [
    ...recipe.patches.map((p) => p.path),
    ...recipe.config.fragments,
    ...Object.values(recipe.variants).flatMap((v) => v.fragments),
  ].filter((p) => !existsSync(repoPath(p)));
  if (missing.length > 0) {
    throw new RecipeError(`${file}: these paths do not exist (relative paths are from ${REPO_ROOT}):\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  }
  return recipe;
}

export async function listRecipes(): Promise<string[]> {
  return (await readdir(RECIPES_DIR)).filter((f) => /\.ya?ml$/.test(f)).map((f) => basename(f).replace(/\.ya?ml$/, '')).sort();
}

/** A built-in recipe name ("baseline") or a path to a recipe file. */
export async function findRecipe(nameOrPath: string): Promise<Recipe | undefined> {
  for (const ext of ['.yaml', '.yml']) {
    const builtin = join(RECIPES_DIR, nameOrPath + ext);
    if (/^[a-z0-9._-]+$/.test(nameOrPath) && existsSync(builtin)) return loadRecipe(builtin);
  }
  if (/\.ya?ml$/.test(nameOrPath)) return loadRecipe(resolve(nameOrPath));
  return undefined;
}
