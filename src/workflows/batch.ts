// Runs scenarios that exist only in memory (minimizer candidates, fuzzer
// output) as one batch: one program, one target run (one boot on QEMU).
import { inMemorySpec } from '../specs/memory.ts';
import type { Scenario } from '../specs/schema.ts';
import type { ScenarioResult } from '../judge/result.ts';
import { runScenarios } from './run.ts';
import { type Oracle } from '../judge/oracle.ts';
import type { Target } from '../core/target.ts';
import type { Progress } from '../core/progress.ts';

export interface BatchRunner {
  (scenarios: Scenario[]): Promise<ScenarioResult[]>;
}

export function batchRunner(target: Target, oracle: Oracle, label: string, progress?: Progress, signal?: AbortSignal): BatchRunner {
  return async (scenarios) => {
    if (!scenarios.length) return [];
    const spec = inMemorySpec(scenarios);
    const run = await runScenarios({
      refs: scenarios.map((_, index) => ({ spec, index })),
      target,
      oracle,
      label,
      reproduce: () => '',
      ...(progress ? { progress } : {}),
      ...(signal ? { signal } : {}),
    });
    return run.results;
  };
}
