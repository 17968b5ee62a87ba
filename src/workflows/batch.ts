// Runs scenarios that exist only in memory (minimizer candidates, fuzzer
// output) as one batch: one program, one target run (one boot on QEMU).
import { inMemorySpec } from '../specs/memory.ts';
import type { Scenario } from '../specs/schema.ts';
import type { ScenarioResult } from '../judge/result.ts';
import { runScenarios } from './run.ts';
import { type Oracle } from '../judge/oracle.ts';
import type { Target } from '../core/target.ts';
import type { Progress } from '../core/progress.ts';
import type { ScenarioLines } from '../coverage/series-coverage.ts';
import type { FoldRequest } from './coverage.ts';

export interface BatchRunner {
  (scenarios: Scenario[]): Promise<ScenarioResult[]>;
}

/** A coverage target: each batch's counters folded onto the series' lines, each scenario's handed to onScenario. */
export interface BatchCoverage {
  fold: Omit<FoldRequest, 'onScenario'>;
  onScenario: (s: ScenarioLines) => void;
}

export function batchRunner(
  target: Target,
  oracle: Oracle,
  label: string,
  progress?: Progress,
  signal?: AbortSignal,
  coverage?: BatchCoverage,
): BatchRunner {
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
      ...(coverage ? { coverage: { ...coverage.fold, onScenario: coverage.onScenario } } : {}),
    });
    return run.results;
  };
}
