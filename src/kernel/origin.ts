// What a recipe kernel is made of, for a person reading a bug report: the
// Debian base and every patch set applied, each with the subject, version and
// Message-ID it was posted with, so a maintainer can find the exact thread
// (a recipe name alone means nothing outside this repository).
import { basename } from 'node:path';
import { readSeries } from '../series/read-series.ts';
import { baseSource, findRecipe } from './recipe.ts';

export interface SeriesOrigin {
  /** As posted, tags included: "[PATCHSET RFC 0/7] Add support for provided registered buffers". */
  subject: string;
  version: number;
  /** Of the cover letter, or of the patch when there is none. */
  messageId?: string;
  /** The file the recipe names. */
  file: string;
  /** Files left out of every patch (recipe `exclude`). */
  exclude: string[];
}

export interface KernelOrigin {
  recipe: string;
  /** "Debian linux 6.12.8-1". */
  base: string;
  /** Every patch entry of the recipe, in the order applied. */
  series: SeriesOrigin[];
  /** The series under test: the last one posted to a list (it has a Message-ID), else the last entry. */
  underTest?: SeriesOrigin;
}

/** "[PATCHSET RFC 0/7] Add support ... (v1, Message-ID <...>)". */
export function describeSeriesOrigin(s: SeriesOrigin): string {
  const where = s.messageId ? `Message-ID <${s.messageId}>` : s.file;
  return `${s.subject} (v${s.version}, ${where})${s.exclude.length ? `, without ${s.exclude.join(', ')}` : ''}`;
}

/** "Debian linux 6.12.8-1 + <series under test>". */
export const describeOrigin = (o: KernelOrigin): string => `${o.base}${o.underTest ? ` + ${describeSeriesOrigin(o.underTest)}` : ''}`;

/** The origin of a kernel named by recipe (name or file); undefined for an image path. */
export async function kernelOrigin(kernel: string): Promise<KernelOrigin | undefined> {
  const recipe = await findRecipe(kernel);
  if (!recipe) return undefined;
  const src = baseSource(recipe.base);
  const series: SeriesOrigin[] = [];
  for (const entry of recipe.patches) {
    const s = await readSeries(entry.path, entry.version ? { version: entry.version } : {});
    const first = s.patches[0]!;
    const more = s.patches.length > 1 && !s.coverTags ? ` (+${s.patches.length - 1} more)` : '';
    const messageId = s.messageId;
    series.push({
      subject: s.coverTags ? `[${s.coverTags}] ${s.coverSubject}` : `[${first.tags}] ${first.subject}${more}`,
      version: s.version,
      ...(messageId ? { messageId } : {}),
      file: basename(entry.path),
      exclude: entry.exclude ?? [],
    });
  }
  const underTest = [...series].reverse().find((s) => s.messageId) ?? series[series.length - 1];
  return {
    recipe: recipe.name,
    base: `Debian ${src.pkg} ${src.version}`,
    series,
    ...(underTest ? { underTest } : {}),
  };
}
