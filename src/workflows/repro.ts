// A reproducer for the mailing list: the scenario as standalone C with the
// model's expectations compiled in (exit 0 pass, 1 fail, 77 skip), built the
// way a reader would, run on the kernel, and a plain-text report to send.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cc, findLiburing } from '../core/cc.ts';
import { InfraError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import { checkGuestMemory } from '../exec/guest-memory.ts';
import { describeScenario } from '../generator/describe.ts';
import { describeNeeds, liburingNeeds } from '../generator/liburing-api.ts';
import { generateRepro } from '../generator/repro.ts';
import { describeOrigin, describeSeriesOrigin } from '../kernel/origin.ts';
import { formatHeader } from '../series/mail.ts';
import { describeDiff } from '../report/reporter.ts';
import type { LoadedSpec } from '../specs/load.ts';
import { runScenarios } from './run.ts';
import { describeKernel, openTarget, type TargetChoice } from './target.ts';

export const REPRO_CFLAGS = ['-O2', '-Wall', '-Wextra', '-Werror', '-static'];

export interface ReproRequest {
  spec: LoadedSpec;
  index: number;
  choice: TargetChoice;
  outDir: string;
  progress: Progress;
  signal?: AbortSignal;
}

export interface ReproResult {
  id: string;
  label: string;
  cFile: string;
  textFile: string;
  /** The reproducer's exit code on the kernel (undefined: it did not finish). */
  exit: number | undefined;
  verdict: string;
  checks: string[];
}

export class NoOracleError extends InfraError {}

export async function makeRepro(r: ReproRequest): Promise<ReproResult> {
  const sc = r.spec.spec.scenarios[r.index]!;
  const { target, label, identity, oracle, kind } = await openTarget(r.choice, r.progress, r.signal);
  const prediction = oracle.predict(sc);
  if (prediction.kind === 'no-oracle') throw new NoOracleError(`the model has no oracle for ${sc.id}: ${prediction.reason}`);
  const { line: kernel, origin } = await describeKernel(r.choice, { label, identity });
  const c = generateRepro(r.spec, r.index, prediction, { kernel, profile: oracle.profile });
  const needs = describeNeeds(liburingNeeds(c));
  mkdirSync(r.outDir, { recursive: true });
  const cFile = join(r.outDir, `${sc.id}.c`);
  writeFileSync(cFile, c);
  // Built the way a reader would (plus -static so it also runs in the bare guest).
  const lr = await findLiburing();
  const bin = join(r.outDir, sc.id);
  const built = await cc({
    sources: [cFile],
    out: bin,
    flags: REPRO_CFLAGS,
    includes: [lr.include],
    libs: [lr.archive],
    ...(r.signal ? { signal: r.signal } : {}),
  });
  if (!built.ok) throw new InfraError('the reproducer does not compile (a uringspec bug)', built.output);
  const guestPath = `/uspec/${sc.id}`;
  if (kind === 'qemu') checkGuestMemory([{ spec: r.spec, index: r.index }], [{ hostPath: bin, guestPath }]);
  const ran = await target.run(
    [{ id: `repro:${sc.id}`, argv: [kind === 'qemu' ? guestPath : bin], timeoutMs: sc.timeout_ms }],
    [{ hostPath: bin, guestPath, mode: 0o755 }],
    r.progress,
    r.signal,
  );
  const item = ran.results[0]!;
  // The same scenario through the suite runner gives the diff against the model.
  const judged = (
    await runScenarios({
      refs: [{ spec: r.spec, index: r.index }],
      target,
      oracle,
      label,
      reproduce: () => '',
      ...(r.signal ? { signal: r.signal } : {}),
    })
  ).results[0]!;
  const checks = item.stdout.split('\n').filter((l) => /^(FAIL|PASS|SKIP)/.test(l));
  const exit = item.status === 'exited' ? item.exitCode : undefined;
  const verdict =
    exit === 0
      ? 'passes'
      : exit === 77
        ? 'skips (the kernel lacks the feature)'
        : exit === 1
          ? 'fails'
          : `did not finish (${item.status}${item.signal ? ` signal ${item.signal}` : ''})`;
  const where = ran.info.accel ? `QEMU (${ran.info.accel})` : `the host`;
  const email = [
    // Headers from single-line values only: a title can never start a header of its own.
    formatHeader('Subject', `[BUG] io_uring: ${sc.title}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...(origin
      ? [
          `Kernel: ${describeOrigin(origin)}`,
          `        uringspec recipe ${origin.recipe}${identity.cacheKey ? ` (build ${identity.cacheKey})` : ''}, run under ${where}; applied in order:`,
          ...origin.series.map((s) => `          ${describeSeriesOrigin(s)}`),
        ]
      : [`Kernel: ${kernel}, run under ${where}${identity.sha256 ? ` (sha256 ${identity.sha256})` : ''}`]),
    `Test:   ${r.spec.file}:${r.spec.lineOf(['scenarios', r.index])} (${sc.id}), expectations from the uringspec model, profile ${oracle.profile}`,
    '',
    'What the program does:',
    ...describeScenario(sc).map((l) => `  ${l}`),
    '',
    'Expected vs observed:',
    ...(judged.diffs.length ? judged.diffs.map((d) => `  ${describeDiff(d)}`) : [`  ${judged.summary}`]),
    ...(item.kernelSplats.length ? ['', 'Kernel log:', ...item.kernelSplats.map((l) => `  ${l}`)] : []),
    '',
    `The reproducer ${verdict}; it printed:`,
    ...checks.map((l) => `  ${l}`),
    '',
    `Reproducer (gcc -O2 -o repro repro.c -luring, with ${needs}; exit 0 pass, 1 fail, 77 skip):`,
    '',
    c,
  ].join('\n');
  const textFile = join(r.outDir, `${sc.id}.txt`);
  writeFileSync(textFile, email);
  return { id: sc.id, label, cFile, textFile, exit, verdict, checks };
}
