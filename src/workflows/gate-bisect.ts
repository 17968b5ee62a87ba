// `gate --bisect`: after the gate, every finding on the patched kernel is
// bisected over the series its recipe applies last (workflows/bisect.ts), and
// a reply to the patch it was traced to is written for each into
// <out>/mail/. The bisection goes into the report (RunReport.bisect), so every
// format shows the patch that introduced each finding.
import { join } from 'node:path';
import type { Progress } from '../core/progress.ts';
import type { Accel } from '../exec/targets.ts';
import { findRecipe, RecipeError, type Recipe } from '../kernel/recipe.ts';
import type { ProfileName } from '../model/profiles.ts';
import type { KernelRun, RunReport } from '../report/report.ts';
import { InfraError } from '../core/errors.ts';
import { makeTarget } from '../exec/targets.ts';
import { modelOracle } from '../judge/oracle.ts';
import { planKernel } from '../kernel/build.ts';
import { scenarioOf, type ScenarioRef } from '../specs/load.ts';
import { batchRunner } from './batch.ts';
import { bisectSeries, type BisectedFinding } from './bisect.ts';
import { minimizeMany, type Minimized } from './minimize-many.ts';
import { writeReplies } from './reply.ts';

export interface GateBisectRequest {
  /** The patched kernel as the gate was given it (a recipe name or file, or the recipe `gate --series` built). */
  kernel: string | Recipe;
  profile: ProfileName;
  run: KernelRun;
  refs: ScenarioRef[];
  report: RunReport;
  outDir: string;
  accel: Accel;
  progress: Progress;
  signal?: AbortSignal;
}

/** The recipe a bisection takes apart: the kernel must be named by one (or built in memory by `gate --series`), whose last patch entry is the series. */
export async function bisectableRecipe(kernel: string | Recipe): Promise<Recipe> {
  const recipe = typeof kernel === 'string' ? await findRecipe(kernel) : kernel;
  if (!recipe)
    throw new RecipeError(
      `cannot bisect ${typeof kernel === 'string' ? kernel : kernel.name}: not a recipe (an image has no series to take apart); name the recipe it was built from`,
    );
  if (!recipe.patches.length) throw new RecipeError(`cannot bisect: recipe ${recipe.name} applies no patches, so there is no series`);
  return recipe;
}

export async function gateBisect(r: GateBisectRequest): Promise<string[]> {
  const recipe = await bisectableRecipe(r.kernel);
  const outcome = await bisectSeries({
    recipe,
    profile: r.profile,
    refs: r.refs,
    full: r.run.results,
    accel: r.accel,
    progress: r.progress,
    ...(r.signal ? { signal: r.signal } : {}),
  });
  r.report.bisect = outcome.report;
  const minimized = await shrinkFindings(r, recipe, outcome.findings);
  return writeReplies({
    findings: outcome.findings,
    bisect: outcome.report,
    recipe,
    dir: join(r.outDir, 'mail'),
    reportDir: r.outDir,
    target: r.run.target,
    minimized,
  });
}

/** The findings the replies carry, shrunk on the full series together (minimize-many.ts); none when that fails. */
async function shrinkFindings(r: GateBisectRequest, recipe: Recipe, findings: BisectedFinding[]): Promise<Map<string, Minimized>> {
  const items = findings.filter((f) => f.quote).map((f) => ({ scenario: scenarioOf(f.ref), result: f.result }));
  if (!items.length) return new Map();
  try {
    const { target, label } = await makeTarget({
      kind: 'qemu',
      kernel: r.kernel,
      accel: r.accel,
      ...(r.signal ? { signal: r.signal } : {}),
    });
    const oracle = await modelOracle(r.profile);
    return await minimizeMany({
      items,
      run: batchRunner(target, oracle, label, undefined, r.signal),
      identity: `${(await planKernel(recipe)).key} ${r.profile}`,
      progress: r.progress,
    });
  } catch (err) {
    if (!(err instanceof InfraError)) throw err;
    r.progress({ phase: 'minimize', detail: `not minimized (the replies carry the scenarios as written): ${err.message.split('\n')[0]}` });
    return new Map();
  }
}
