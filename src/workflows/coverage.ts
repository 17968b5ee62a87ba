// `--coverage` (gate and run): which added lines of the series the scenarios
// executed. The scenarios run on the patched recipe's coverage variant (gcov
// in io_uring/); the QEMU target writes each item's counters under a work
// directory; here they are mapped, one item at a time, onto the lines the
// series adds (coverage/series-lines.ts on the build's branch) and folded
// into KernelRun.coverage. Each item's files are deleted once folded unless
// the run keeps its work directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gcovVersion, itemCounts } from '../coverage/gcov.ts';
import { CoverageFolder, type ScenarioLines, type SeriesCoverage } from '../coverage/series-coverage.ts';
import { seriesLines } from '../coverage/series-lines.ts';
import { InfraError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { ItemResult } from '../core/target.ts';
import { preparePatches } from '../kernel/apply-patches.ts';
import type { BuiltKernel } from '../kernel/build.ts';
import { findRecipe } from '../kernel/recipe.ts';
import type { ScenarioResult } from '../judge/result.ts';

/** Where a coverage run's per-item counters go: under the run's kept work dir, or a temp dir removed afterwards. */
export async function coverageWorkDir(keepUnder?: string): Promise<{ dir: string; dispose: () => Promise<void> }> {
  if (keepUnder) return { dir: join(keepUnder, 'gcda'), dispose: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'uspec-coverage-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The series under test in a build: its patches that the comparison kernel (a baseline recipe on the same
 * base) does not have; without one, or when it has them all, every patch of the recipe. A variant's own
 * patches (the coverage instrumentation) never count.
 */
export async function seriesOf(built: BuiltKernel, baseline: string | undefined): Promise<number[]> {
  const own = built.patches.map((p, i) => ({ p, i })).filter(({ p }) => !p.variant);
  const recipe = baseline ? await findRecipe(baseline).catch(() => undefined) : undefined;
  const have = new Set(recipe ? (await preparePatches(recipe)).map((p) => p.text) : []);
  const series = own.filter(({ p }) => !have.has(p.text)).map(({ i }) => i);
  return series.length ? series : own.map(({ i }) => i);
}

export interface FoldRequest {
  results: ItemResult[];
  built: BuiltKernel;
  series: number[];
  /** Delete each item's counter files once folded. */
  cleanup: boolean;
  progress?: Progress;
  /** Called with each scenario's executed series lines as it is folded (the fuzzer's feedback signal). */
  onScenario?: (s: ScenarioLines) => void;
}

/** Maps every item's counters onto the series' added lines, one item at a time (the next one solved meanwhile). */
export async function foldCoverage(r: FoldRequest): Promise<SeriesCoverage> {
  await gcovVersion();
  const { built } = r;
  if (!built.gcov) throw new InfraError(`${built.name} is not a gcov build: no coverage to map`);
  const map = await seriesLines({ tree: built.tree, branch: built.branch, patches: built.patches, series: r.series });
  const folder = new CoverageFolder(map, built.name);
  // gcov names sources under the tree the build compiled, which may be another cache's
  const build = { notes: built.gcov.dir, objDir: built.gcov.objDir, tree: built.builtTree };
  // gcov solves the next item while this one is folded (two processes on two cores), folded in order
  const counts = (item: ItemResult) => (item.coverage ? itemCounts(item.coverage.dir, build, item.coverage.base) : undefined);
  let next = r.results[0] ? counts(r.results[0]) : undefined;
  for (const [n, item] of r.results.entries()) {
    const mine = next;
    next = r.results[n + 1] ? counts(r.results[n + 1]!) : undefined;
    // a failure of the next one is awaited (and thrown) in its turn, never left unhandled
    next?.catch(() => {});
    if (!item.coverage || !mine) {
      folder.missing(
        item.id,
        item.status === 'exited' ? 'the guest sent no counters' : `${item.status}: the guest could not send its counters`,
      );
      continue;
    }
    r.progress?.({ phase: 'coverage', done: n + 1, total: r.results.length, detail: item.id });
    const { counts: c, unmapped } = await mine;
    const lines = folder.add(item.id, c, unmapped);
    r.onScenario?.(lines);
    if (r.cleanup) await rm(item.coverage.dir, { recursive: true, force: true });
  }
  return folder.result();
}

/** Scenarios whose verdict on the coverage kernel differs from the plain kernel's (the gate keeps the plain verdicts). */
export function verdictDiffs(plain: ScenarioResult[], coverage: ScenarioResult[]): { id: string; plain: string; coverage: string }[] {
  const of = new Map(coverage.map((r) => [r.id, r.status]));
  return plain
    .filter((r) => of.has(r.id) && of.get(r.id) !== r.status)
    .map((r) => ({ id: r.id, plain: r.status, coverage: of.get(r.id)! }));
}
