// `--coverage` (gate and run): which added lines of the series the scenarios
// executed. The scenarios run on the patched recipe's coverage variant (gcov
// in io_uring/); the QEMU target writes each item's counters under a work
// directory; here they are solved by gcov as the guest sends them and
// mapped, one item at a time, onto the lines the series adds
// (coverage/series-lines.ts on the build's branch) and folded
// into KernelRun.coverage. Each item's files are deleted once folded unless
// the run keeps its work directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gcovVersion, itemCounts, type GcovBuild, type ItemCounts } from '../coverage/gcov.ts';
import { CoverageFolder, type ScenarioLines, type SeriesCoverage } from '../coverage/series-coverage.ts';
import { seriesLines } from '../coverage/series-lines.ts';
import { InfraError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { ItemCoverage, ItemResult } from '../core/target.ts';
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
  built: BuiltKernel;
  series: number[];
  /** Delete each item's counter files once folded. */
  cleanup: boolean;
  progress?: Progress;
  /** Called with each scenario's executed series lines as it is folded (the fuzzer's feedback signal). */
  onScenario?: (s: ScenarioLines) => void;
}

/**
 * A run's coverage, folded as it goes: gcov solves each item's counters as soon as the guest has sent them
 * (onCoverage, a RunHooks hook), one process at a time on the core the single-vCPU guest leaves free, so
 * after the run only what is left is solved (two at a time) and every item is mapped, in order. Solving is
 * pure (counters in, line counts out): the result is the same whichever way an item was solved.
 */
export class CoverageFold {
  /** Counters solved or being solved, by the item's counter dir (a replay has its own dir). */
  private readonly solved = new Map<string, Promise<ItemCounts>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly build: GcovBuild | undefined;

  constructor(private readonly r: FoldRequest) {
    const { built } = r;
    // gcov names sources under the tree the build compiled, which may be another cache's
    this.build = built.gcov ? { notes: built.gcov.dir, objDir: built.gcov.objDir, tree: built.builtTree } : undefined;
  }

  /** An item's counters arrived during the run: queued for gcov at once. */
  readonly onCoverage = (_id: string, cov: ItemCoverage): void => {
    if (!this.build || this.solved.has(cov.dir)) return;
    const p = this.queue.then(() => this.solve(cov));
    // a failure is awaited (and thrown) when its item is folded, never left unhandled
    p.catch(() => {});
    this.queue = p.catch(() => {});
    this.solved.set(cov.dir, p);
  };

  private solve(cov: ItemCoverage): Promise<ItemCounts> {
    return itemCounts(cov.dir, this.build!, cov.base);
  }

  async fold(results: ItemResult[]): Promise<SeriesCoverage> {
    await gcovVersion();
    const { built } = this.r;
    if (!this.build) throw new InfraError(`${built.name} is not a gcov build: no coverage to map`);
    const map = await seriesLines({ tree: built.tree, branch: built.branch, patches: built.patches, series: this.r.series });
    const folder = new CoverageFolder(map, built.name);
    // what was not solved during the run: the next item is solved while this one is folded
    const counts = (item: ItemResult) => (item.coverage ? (this.solved.get(item.coverage.dir) ?? this.solve(item.coverage)) : undefined);
    let next = results[0] ? counts(results[0]) : undefined;
    for (const [n, item] of results.entries()) {
      const mine = next;
      next = results[n + 1] ? counts(results[n + 1]!) : undefined;
      next?.catch(() => {});
      if (!item.coverage || !mine) {
        folder.missing(
          item.id,
          item.status === 'exited' ? 'the guest sent no counters' : `${item.status}: the guest could not send its counters`,
        );
        continue;
      }
      this.r.progress?.({ phase: 'coverage', done: n + 1, total: results.length, detail: item.id });
      const { counts: c, unmapped } = await mine;
      const lines = folder.add(item.id, c, unmapped);
      this.r.onScenario?.(lines);
      if (this.r.cleanup) await rm(item.coverage.dir, { recursive: true, force: true });
    }
    return folder.result();
  }
}

/** Scenarios whose verdict on the coverage kernel differs from the plain kernel's (the gate keeps the plain verdicts). */
export function verdictDiffs(plain: ScenarioResult[], coverage: ScenarioResult[]): { id: string; plain: string; coverage: string }[] {
  const of = new Map(coverage.map((r) => [r.id, r.status]));
  return plain
    .filter((r) => of.has(r.id) && of.get(r.id) !== r.status)
    .map((r) => ({ id: r.id, plain: r.status, coverage: of.get(r.id)! }));
}
