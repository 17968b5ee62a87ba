// The two kernels a gate compares, from what the command was given, checked
// before anything is built: two recipes (by default sendzc-provided-rfc
// against baseline), or series files (`gate --series`) built in memory on the
// baseline recipe or on another Debian base (kernel/recipe.ts seriesRecipes).
// Either way the series under test (what the patched kernel has beyond the
// baseline) is read here so every report can name it.
import { UsageError } from '../core/errors.ts';
import { profileForKernel } from '../judge/oracle.ts';
import { checkBase } from '../kernel/kernel-source.ts';
import { BASE_RE, findRecipe, seriesRecipes, seriesTitle, type PatchEntry, type Recipe, type SeriesInput } from '../kernel/recipe.ts';
import type { ProfileName } from '../model/profiles.ts';
import { describeSeries, type SeriesRef } from '../report/report.ts';
import { readSeries, type Series } from '../series/read-series.ts';
import type { GateKernel } from './gate.ts';

export const DEFAULT_PATCHED = 'sendzc-provided-rfc';
export const DEFAULT_BASELINE = 'baseline';
/** The model of the series this product gates: what a series given with --series is judged by unless --profile says otherwise. */
export const SERIES_PROFILE: ProfileName = 'rfc-v1';

export interface GateKernelRequest {
  /** The patched kernel: a recipe name or file, or an image. Not with series. */
  recipe?: string;
  /** The comparison: a recipe name or file, or an image; with series, the recipe they are applied on. */
  baseline?: string;
  /** Series files, applied in this order (`--series`). */
  series?: SeriesInput[];
  /** debian:<pkg>=<version> to apply the series on instead of the baseline recipe. */
  base?: string;
  /** Model profile of the patched kernel. */
  profile?: ProfileName;
}

export async function gateKernels(r: GateKernelRequest): Promise<GateKernel[]> {
  const baselineName = r.baseline ?? DEFAULT_BASELINE;
  if (!r.series?.length) {
    if (r.base) throw new UsageError('--base goes with --series (the base the series are applied on)');
    const recipe = r.recipe ?? DEFAULT_PATCHED;
    const [patched, baseline] = [await findRecipe(recipe), await findRecipe(baselineName)];
    const series = patched ? await seriesRefs(beyond(patched, baseline)) : [];
    return [
      {
        kernel: recipe,
        profile: r.profile ?? profileForKernel('qemu', recipe),
        role: 'patched',
        ...(series.length ? { series, builtFrom: builtFrom(series, patched!, baseline) } : {}),
      },
      { kernel: baselineName, profile: 'baseline', role: 'baseline' },
    ];
  }
  if (r.recipe) throw new UsageError('--recipe and --series name the patched kernel twice: give one');
  if (r.base !== undefined && !BASE_RE.test(r.base))
    throw new UsageError(`--base "${r.base}": expected debian:<package>=<version>, e.g. debian:linux=6.12.8-1`);
  const on = await findRecipe(baselineName);
  if (!on) throw new UsageError(`--baseline "${baselineName}" with --series must be a recipe (the series are applied on it), not an image`);
  const { patched, baseline, series } = await seriesRecipes(r.series, { baseline: on, ...(r.base ? { base: r.base } : {}) });
  await checkBase(patched.base);
  const refs = series.map(seriesRef);
  return [
    { kernel: patched, profile: r.profile ?? SERIES_PROFILE, role: 'patched', series: refs, builtFrom: builtFrom(refs, patched, baseline) },
    // A recipe from kernels/ by its name, as in the default gate (its reproduce commands name it too).
    { kernel: baseline === on ? baselineName : baseline, profile: 'baseline', role: 'baseline' },
  ];
}

/** The patch entries of `patched` after those it shares with `baseline` (all of them on another base). */
function beyond(patched: Recipe, baseline: Recipe | undefined): PatchEntry[] {
  const same = (a: PatchEntry, b: PatchEntry) =>
    a.path === b.path && a.version === b.version && JSON.stringify(a.exclude ?? []) === JSON.stringify(b.exclude ?? []);
  let n = 0;
  if (baseline && baseline.base === patched.base)
    while (n < baseline.patches.length && n < patched.patches.length && same(baseline.patches[n]!, patched.patches[n]!)) n++;
  return patched.patches.slice(n);
}

async function seriesRefs(entries: PatchEntry[]): Promise<SeriesRef[]> {
  const out: SeriesRef[] = [];
  for (const e of entries) out.push(seriesRef(await readSeries(e.path, e.version !== undefined ? { version: e.version } : {})));
  return out;
}

function seriesRef(s: Series): SeriesRef {
  return {
    subject: seriesTitle(s),
    tags: s.coverTags ?? s.patches[0]!.tags,
    version: s.version,
    ...(s.messageId ? { messageId: s.messageId } : {}),
    patches: s.patches.length,
    input: s.input,
  };
}

/** "baseline + [PATCHSET RFC 0/7] Add support for ... (v1, 7 patches, <id>)": the recipe the series go on, or the base. */
function builtFrom(series: SeriesRef[], patched: Recipe, baseline: Recipe | undefined): string {
  const onBaseline =
    baseline && baseline.patches.length > 0 && beyond(patched, baseline).length === patched.patches.length - baseline.patches.length;
  const on = onBaseline ? baseline.name : patched.base;
  return [on, ...series.map(describeSeries)].join(' + ');
}
