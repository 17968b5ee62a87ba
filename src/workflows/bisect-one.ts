// One scenario bisected over a series, for `uringspec bisect` and `uringspec
// repro --mail`: run it on the full series; if it fails there, shrink it
// (workflows/minimize.ts, on the same kernel, same failure signature) when
// asked, bisect it over the prefixes (workflows/bisect.ts) and write the
// reply to the patch it was traced to (workflows/reply.ts).
import { join } from 'node:path';
import type { Progress } from '../core/progress.ts';
import type { Accel } from '../exec/targets.ts';
import type { FindingBisect, BisectReport } from '../judge/bisect.ts';
import type { ScenarioResult } from '../judge/result.ts';
import { buildKernel } from '../kernel/build.ts';
import type { Recipe } from '../kernel/recipe.ts';
import type { ProfileName } from '../model/profiles.ts';
import type { LoadedSpec } from '../specs/load.ts';
import type { Scenario } from '../specs/schema.ts';
import { bisectSeries } from './bisect.ts';
import { minimizeOnKernel } from './minimize.ts';
import { writeReplies } from './reply.ts';
import { runScenarios } from './run.ts';
import { openTarget } from './target.ts';

export interface BisectOneRequest {
  spec: LoadedSpec;
  index: number;
  /** The full series' recipe (its last patch entry is the series). */
  recipe: Recipe;
  /** How the kernel was named on the command line: a recipe name or file, or the recipe `--series` built in memory. */
  kernel: string | Recipe;
  profile: ProfileName;
  accel: Accel;
  /** Where the reply (and the minimized scenario) go. */
  outDir: string;
  /** Shrink the scenario before it goes into the reply (one boot per round). */
  minimize: boolean;
  progress: Progress;
  signal?: AbortSignal;
}

export type BisectOneOutcome =
  | { kind: 'nothing'; result: ScenarioResult; label: string }
  | { kind: 'bisected'; result: ScenarioResult; label: string; report: BisectReport; finding: FindingBisect; mail?: string };

export async function bisectOne(r: BisectOneRequest): Promise<BisectOneOutcome> {
  const ref = { spec: r.spec, index: r.index };
  // A recipe built in memory is passed on as its image (built here, or a cache hit).
  const kernel =
    typeof r.kernel === 'string'
      ? r.kernel
      : (await buildKernel(r.kernel, { quiet: true, ...(r.signal ? { signal: r.signal } : {}) })).vmlinux;
  const choice = { kind: 'qemu' as const, kernel, accel: r.accel, profile: r.profile };
  r.progress({ phase: 'full series', detail: `${r.spec.spec.scenarios[r.index]!.id} on ${r.recipe.name}` });
  const { target, label, oracle } = await openTarget(choice, r.progress, r.signal);
  const run = await runScenarios({
    refs: [ref],
    target,
    oracle,
    label,
    reproduce: () => '',
    progress: r.progress,
    ...(r.signal ? { signal: r.signal } : {}),
  });
  const result = run.results[0]!;
  const outcome = await bisectSeries({
    recipe: r.recipe,
    profile: r.profile,
    refs: [ref],
    full: [result],
    accel: r.accel,
    progress: r.progress,
    ...(r.signal ? { signal: r.signal } : {}),
  });
  const finding = outcome.findings[0];
  if (!finding) return { kind: 'nothing', result, label };
  const minimized = r.minimize ? await shrink(r, choice, finding.ref.spec.spec.scenarios[finding.ref.index]!) : undefined;
  const files = await writeReplies({
    findings: outcome.findings,
    bisect: outcome.report,
    recipe: r.recipe,
    dir: r.outDir,
    reportDir: r.outDir,
    target: run.target,
    ...(minimized ? { minimized: new Map([[finding.bisect.id, minimized]]) } : {}),
  });
  return {
    kind: 'bisected',
    result,
    label,
    report: outcome.report,
    finding: finding.bisect,
    ...(files[0] ? { mail: files[0] } : {}),
  };
}

/** The scenario shrunk on the full series while it fails the same way; undefined when it is flaky there (the reply then carries it as written). */
async function shrink(
  r: BisectOneRequest,
  choice: { kind: 'qemu'; kernel: string; accel: Accel; profile: ProfileName },
  scenario: Scenario,
): Promise<{ scenario: Scenario; changes: string[] } | undefined> {
  const m = await minimizeOnKernel({
    scenario,
    from: r.spec.file,
    choice,
    tries: 1,
    outDir: join(r.outDir, 'minimized'),
    progress: r.progress,
    ...(r.signal ? { signal: r.signal } : {}),
  });
  return m.kind === 'minimized' ? { scenario: m.scenario, changes: m.changes } : undefined;
}
