// `uringspec fuzz`: generated scenarios in batches (one boot per batch on
// QEMU), each compared with the model; every new failure signature is
// minimized and saved with its spec, reproducer and report. The same seed
// gives the same scenarios.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../core/cache.ts';
import type { Progress } from '../core/progress.ts';
import { generateProgram } from '../generator/program.ts';
import { generateRepro } from '../generator/repro.ts';
import { failureSignature } from '../judge/signature.ts';
import { describeDiff } from '../report/reporter.ts';
import { generateScenarios } from '../specs/arbitrary.ts';
import { inMemorySpec, specText } from '../specs/memory.ts';
import { minimize } from '../specs/minimize.ts';
import { batchRunner } from './batch.ts';
import { describeKernel, openTarget, type TargetChoice } from './target.ts';

export interface FuzzRequest {
  count: number;
  seed: number;
  batch: number;
  minimize: boolean;
  outDir: string;
  choice: TargetChoice;
  progress: Progress;
  signal?: AbortSignal;
}

export interface FuzzFinding {
  signature: string;
  id: string;
  summary: string;
  diffs: string[];
  dir: string;
}

export interface FuzzResult {
  label: string;
  profile: string;
  failures: number;
  findings: FuzzFinding[];
  seconds: number;
}

export async function fuzz(r: FuzzRequest): Promise<FuzzResult> {
  const t0 = performance.now();
  const { target, label, identity, oracle } = await openTarget(r.choice, r.progress, r.signal);
  const kernel = (await describeKernel(r.choice, { label, identity })).line;
  const run = batchRunner(target, oracle, label, undefined, r.signal);
  const scenarios = generateScenarios(r.count, r.seed);
  const found = new Map<string, FuzzFinding>();
  let failures = 0;
  for (let i = 0; i < scenarios.length && !r.signal?.aborted; i += r.batch) {
    const chunk = scenarios.slice(i, i + r.batch);
    const results = await run(chunk);
    r.progress({
      phase: 'fuzz',
      done: Math.min(i + r.batch, scenarios.length),
      total: scenarios.length,
      detail: `${found.size} signature(s)`,
    });
    for (const [j, res] of results.entries()) {
      const sig = failureSignature(res);
      if (!sig) continue;
      failures++;
      if (found.has(sig)) continue;
      let sc = chunk[j]!;
      if (r.minimize) sc = (await minimize(sc, sig, async (b) => (await run(b)).map(failureSignature), { maxRounds: 20 })).scenario;
      const slug = `${sig.replace(/[^a-z0-9]+/gi, '-').slice(0, 48)}-${sha256(sig).slice(0, 8)}`;
      const dir = join(r.outDir, slug);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'scenario.yaml'), specText([sc], `# uringspec fuzz --seed ${r.seed}: ${sig}\n`));
      // The reproducer checks the model's expectations; named relative so the same seed gives identical files.
      const prediction = oracle.predict(sc);
      const spec = inMemorySpec([sc], 'scenario.yaml');
      writeFileSync(
        join(dir, 'repro.c'),
        prediction.kind === 'prediction'
          ? generateRepro(spec, 0, prediction, { kernel, profile: oracle.profile })
          : generateProgram([{ spec, index: 0 }], { inlineRuntime: true }).c,
      );
      writeFileSync(join(dir, 'report.txt'), `${sig}\n${res.summary}\n${res.diffs.map(describeDiff).join('\n')}\n`);
      found.set(sig, { signature: sig, id: sc.id, summary: res.summary, diffs: res.diffs.map(describeDiff), dir });
    }
  }
  return {
    label,
    profile: oracle.profile,
    failures,
    findings: [...found.values()].sort((a, b) => a.signature.localeCompare(b.signature)),
    seconds: (performance.now() - t0) / 1000,
  };
}
