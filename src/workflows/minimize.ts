// `uringspec minimize`: tell a steady failure from a flaky one, then shrink
// the scenario on the kernel while it keeps failing the same way
// (specs/minimize.ts does the reductions; each round is one batch, one boot).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '../core/progress.ts';
import { generateProgram } from '../generator/program.ts';
import { failureSignature } from '../judge/signature.ts';
import { inMemorySpec, specText } from '../specs/memory.ts';
import { minimize, scenarioBytes, scenarioSize } from '../specs/minimize.ts';
import type { Scenario } from '../specs/schema.ts';
import { batchRunner } from './batch.ts';
import { openTarget, type TargetChoice } from './target.ts';

export interface MinimizeRequest {
  scenario: Scenario;
  /** The spec file it came from, for the header of the written spec. */
  from: string;
  choice: TargetChoice;
  tries: number;
  outDir: string;
  progress: Progress;
  signal?: AbortSignal;
}

export type MinimizeOutcome =
  | { kind: 'passes'; label: string; profile: string }
  | { kind: 'flaky'; label: string; signature: string; same: number }
  | {
      kind: 'minimized';
      label: string;
      signature: string;
      summary: string;
      before: { size: number; bytes: number };
      after: { size: number; bytes: number };
      rounds: number;
      runs: number;
      changes: string[];
      /** The minimized scenario (its id is the original's). */
      scenario: Scenario;
      specFile: string;
      cFile: string;
      seconds: number;
    };

export async function minimizeOnKernel(r: MinimizeRequest): Promise<MinimizeOutcome> {
  const t0 = performance.now();
  const original = r.scenario;
  const { target, label, oracle } = await openTarget(r.choice, r.progress, r.signal);
  const run = batchRunner(target, oracle, label, undefined, r.signal);
  const first = await run(Array.from({ length: r.tries }, (_, i) => ({ ...original, id: `${original.id.slice(0, 56)}-t${i}` })));
  const sigs = first.map(failureSignature);
  const failing = sigs.filter(Boolean);
  if (!failing.length) return { kind: 'passes', label, profile: oracle.profile };
  const signature = failing[0]!;
  const same = sigs.filter((s) => s === signature).length;
  if (same < r.tries) return { kind: 'flaky', label, signature, same };
  const result = await minimize(original, signature, async (batch) => (await run(batch)).map(failureSignature), {
    onRound: (round, size, change) => r.progress({ phase: 'minimize', detail: `round ${round}: ${change} (size ${size})` }),
  });
  const min: Scenario = { ...result.scenario, title: `${original.title} (minimized)` };
  mkdirSync(r.outDir, { recursive: true });
  const specFile = join(r.outDir, `${original.id}.min.yaml`);
  const cFile = join(r.outDir, `${original.id}.min.c`);
  writeFileSync(specFile, specText([min], `# minimized by uringspec from ${r.from} (${original.id}): ${signature}\n`));
  writeFileSync(cFile, generateProgram([{ spec: inMemorySpec([min], specFile), index: 0 }], { inlineRuntime: true }).c);
  return {
    kind: 'minimized',
    label,
    signature,
    summary: first[0]!.summary,
    before: { size: scenarioSize(original), bytes: scenarioBytes(original) },
    after: { size: scenarioSize(min), bytes: scenarioBytes(min) },
    rounds: result.rounds,
    runs: r.tries + result.runs,
    changes: result.changes,
    scenario: min,
    specFile,
    cFile,
    seconds: (performance.now() - t0) / 1000,
  };
}
