// `npm run bench`: the timing goals of the pipeline, measured (never asserted
// in unit tests). Prints a table and writes out/bench.json.
//
//   npm run bench              warm figures (kernels from the cache)
//   npm run bench -- --cold    also rebuild both kernels in a fresh cache (minutes)
//   npm run bench -- --peer    also run liburing's four reference tests in the guest for the ratio
//   npm run bench -- --fuzz [--fuzz-budget=10m]   also the fuzzer from nothing, host and guest (minutes)
//   npm run bench -- --bisect  only `gate --bisect --no-peer` over the RFC: the first run (building the
//                              prefix kernels it lacks) and a warm one (goal < 3 min on 2 cores, TCG)
//   npm run bench -- --coverage  only: the corpus on the RFC kernel, plain and --coverage (ratio, peak RSS)
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { generateProgram } from '../src/generator/program.ts';
import { CFLAGS } from '../src/exec/compile.ts';
import { buildPeerSuite, peerItems } from '../src/exec/peer-suite.ts';
import { allScenarios } from '../src/specs/load.ts';
import { buildSuite, scenarioItems } from '../src/exec/suite.ts';
import { RUNTIME_DIR } from '../src/generator/runtime.ts';
import { cc, findLiburing } from '../src/core/cc.ts';
import { stability } from './determinism.ts';
import { loadSpecs } from '../src/specs/load.ts';
import { resolveKernel } from '../src/kernel/resolve-kernel.ts';
import { planKernel } from '../src/kernel/build.ts';
import { seriesPrefixes } from '../src/kernel/prefixes.ts';
import { findRecipe } from '../src/kernel/recipe.ts';
import type { RunReport } from '../src/report/report.ts';
import { QemuTarget } from '../src/vm/qemu-target.ts';
import { parseBudget } from '../src/cli/commands/fuzz.ts';
import type { FuzzFinding, FuzzResult } from '../src/workflows/fuzz.ts';

const argv = process.argv.slice(2);
const args = new Set(argv);
const optionValue = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

// Determinism only: `npm run bench -- --repeat 20 [--kernels rfc,baseline,host]`.
if (args.has('--repeat')) {
  const n = Number(optionValue('--repeat'));
  if (!Number.isInteger(n) || n < 2) throw new Error('--repeat takes a number >= 2');
  const kernels = (optionValue('--kernels') ?? 'rfc,baseline,host').split(',');
  const rows = await stability(n, kernels, (s) => process.stderr.write(s + '\n'));
  for (const r of rows) {
    process.stdout.write(
      `${r.kernel}: ${r.moved} of ${r.scenarios} scenarios changed verdict over ${r.runs} runs, ${r.movedDetail} changed content (${r.seconds.toFixed(0)} s)  goal 0  ${r.moved === 0 ? 'ok' : 'MISSED'}\n`,
    );
    for (const d of r.detail) process.stdout.write(`  ${d}\n`);
  }
  mkdirSync('out', { recursive: true });
  writeFileSync('out/bench-stability.json', JSON.stringify(rows, null, 2) + '\n');
  process.exit(0);
}
// Coverage only: `npm run bench -- --coverage [--kernel R]`.
if (args.has('--coverage')) {
  const kernel = optionValue('--kernel') ?? 'sendzc-provided-rfc';
  const { coverageBench } = await import('./coverage.ts');
  const rows = await coverageBench(kernel, (s) => process.stderr.write(s + '\n'));
  for (const r of rows)
    process.stdout.write(
      `${r.what.padEnd(60)}  ${r.value.padStart(12)}  ${r.target}${r.ok === undefined ? '' : r.ok ? '  ok' : '  MISSED'}\n`,
    );
  mkdirSync('out', { recursive: true });
  writeFileSync('out/bench-coverage.json', JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');
  process.exit(0);
}
const rows: { what: string; value: string; target: string; ok?: boolean }[] = [];
const row = (what: string, ms: number, target: string, goalMs?: number, unit: 'ms' | 's' = 'ms') => {
  rows.push({
    what,
    value: unit === 's' ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`,
    target,
    ...(goalMs !== undefined ? { ok: ms < goalMs } : {}),
  });
  process.stderr.write(`[bench] ${what}: ${unit === 's' ? (ms / 1000).toFixed(1) + ' s' : ms.toFixed(1) + ' ms'}\n`);
};
// gate --bisect only (the table below is not run).
if (args.has('--bisect')) {
  await benchBisect();
  printTable();
  process.exit(0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

const { specs } = loadSpecs(['corpus']);
const refs = allScenarios(specs);

// 1. One compiler run for the whole corpus (uncached).
{
  const prog = generateProgram(refs);
  const dir = mkdtempSync(join(tmpdir(), 'uspec-bench-'));
  writeFileSync(join(dir, 'suite.c'), prog.c);
  const lr = await findLiburing();
  const [, ms] = await time(() =>
    cc({
      sources: [join(dir, 'suite.c')],
      out: join(dir, 'suite'),
      flags: CFLAGS,
      includes: [RUNTIME_DIR, lr.include],
      libs: [lr.archive],
    }),
  );
  row(`compile ${refs.length} scenarios, one gcc run`, ms, '< 3 s', 3000);
}

// 2. Kernel cache hits.
for (const recipe of ['sendzc-provided-rfc', 'baseline']) {
  const [, ms] = await time(() => resolveKernel(recipe, { quiet: true }));
  row(`kernel ${recipe}: cache hit`, ms, '< 2 s', 2000);
  const meta = readMeta(recipe);
  if (meta)
    rows.push({
      what: `kernel ${recipe}: last build (from cache meta)`,
      value: `${meta.seconds.toFixed(0)} s`,
      target: 'both cold < 6 min',
    });
}

// 3. Boot + corpus in the guest, per kernel.
const compiled = await buildSuite(refs);
const peer = args.has('--peer') ? await buildPeerSuite(['send-zerocopy', 'recvsend_bundle', 'buf-ring', 'send_recv']) : undefined;
for (const recipe of ['sendzc-provided-rfc', 'baseline']) {
  const k = await resolveKernel(recipe, { quiet: true });
  for (const accel of ['tcg', 'kvm'] as const) {
    const target = new QemuTarget({ image: k.image, label: k.label, accel });
    const { items, files } = scenarioItems(refs, compiled, 'qemu');
    const p = peer ? peerItems(peer, true) : { items: [], files: [] };
    let run;
    try {
      [run] = await time(() => target.run([...items, ...p.items], [...files, ...p.files]));
    } catch (e) {
      rows.push({ what: `${recipe} under ${accel}`, value: 'unavailable', target: (e as Error).message.split('\n')[0]!.slice(0, 80) });
      continue;
    }
    if (run.info.accel !== accel) {
      rows.push({ what: `${recipe} under ${accel}`, value: `ran ${run.info.accel}`, target: 'KVM probe failed; TCG used' });
      continue;
    }
    const sc = run.results.filter((r) => !r.id.startsWith('peer:'));
    row(`${recipe} (${accel}): boot to first scenario`, run.info.bootToFirstItemMs?.[0] ?? NaN, '< 1.0 s (TCG)', 1000);
    row(`${recipe} (${accel}): median guest cost per scenario`, median(sc.map((r) => r.durationMs)), '< 20 ms', 20);
    row(
      `${recipe} (${accel}): corpus guest time (${sc.length} scenarios)`,
      sc.reduce((a, r) => a + r.durationMs, 0),
      '',
      undefined,
      's',
    );
    if (peer) {
      const liburing = run.results.filter((r) => r.id.startsWith('peer:')).reduce((a, r) => a + r.durationMs, 0);
      const corpus = sc.reduce((a, r) => a + r.durationMs, 0);
      row(`${recipe} (${accel}): liburing send-zerocopy+recvsend_bundle+buf-ring+send_recv`, liburing, '', undefined, 's');
      rows.push({
        what: `${recipe} (${accel}): corpus / liburing guest time`,
        value: `1/${(liburing / corpus).toFixed(0)}`,
        target: '<= 1/20',
        ok: liburing / corpus >= 20,
      });
    }
  }
}

// 4. Warm gate, both kernels, no peer suite.
{
  const [r, ms] = await time(() =>
    execa('node', ['bin/uringspec.mjs', 'gate', '--no-peer', '--quiet', '--out', join(tmpdir(), 'uspec-bench-gate')], { reject: false }),
  );
  row(`warm gate, both kernels, corpus, no peer suite (exit ${r.exitCode})`, ms, '< 10 s', 10_000, 's');
}

// 5. Optional: cold builds of both kernels in a fresh cache.
if (args.has('--cold')) {
  const cache = mkdtempSync(join(tmpdir(), 'uspec-cold-'));
  for (const recipe of ['sendzc-provided-rfc', 'baseline']) {
    const [, ms] = await time(() =>
      execa('node', ['bin/uringspec.mjs', 'kernel', 'build', recipe, '--quiet'], { env: { URINGSPEC_CACHE: cache } }),
    );
    row(`cold build ${recipe} (fresh cache)`, ms, 'both < 6 min', undefined, 's');
  }
}

// 6. Optional: the fuzzer from nothing (`--fuzz`; `--fuzz-budget=10m` for the guest, the host gets a fifth of it):
//    scenarios per second on the host and in the guest, what it finds on the RFC kernel, rules coverage against the corpus's.
if (args.has('--fuzz')) {
  const budget = [...args].find((a) => a.startsWith('--fuzz-budget='))?.split('=')[1] ?? '10m';
  const hostBudget = `${Math.max(30, Math.round(parseBudget(budget) / 5000))}s`;
  for (const [where, targetArgs, b] of [
    ['host', ['--target', 'host', '--profile', 'rfc-v1'], hostBudget],
    ['guest', ['--kernel', 'sendzc-provided-rfc'], budget],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), `uspec-bench-fuzz-${where}-`));
    const r = await execa(
      'node',
      [
        'bin/uringspec.mjs',
        'fuzz',
        ...targetArgs,
        '--budget',
        b,
        '--seed',
        '1',
        '--found',
        join(dir, 'found'),
        '--out',
        join(dir, 'out'),
        '--quiet',
      ],
      { reject: false },
    );
    let j: FuzzJson;
    try {
      j = JSON.parse(readFileSync(join(dir, 'out', 'fuzz.json'), 'utf8')) as FuzzJson;
    } catch {
      rows.push({
        what: `fuzz ${where} (${b})`,
        value: 'failed',
        target: `exit ${r.exitCode}: ${r.stderr.split('\n').slice(-2).join(' ').slice(0, 80)}`,
      });
      continue;
    }
    const rate = j.scenarios / Math.max(j.batchSeconds, 1e-3);
    rows.push({
      what: `fuzz ${where} (${b}): generated scenarios per second (in batches)`,
      value: rate.toFixed(1),
      target: `${j.scenarios} run, ${j.batches} batch(es)`,
    });
    const reached = j.known.map((k) => k.signature);
    const corpusKinds = j.corpusSignatures.filter((s) => reached.includes(s)).length;
    rows.push({
      what: `fuzz ${where} (${b}): distinct findings (signatures)`,
      value: String(reached.length + j.findings.length),
      target: `${corpusKinds}/${j.corpusSignatures.length} of the corpus's, ${j.findings.length} new`,
      ok: corpusKinds === j.corpusSignatures.length,
    });
    const last = j.coverage[j.coverage.length - 1]?.features ?? {};
    rows.push({
      what: `fuzz ${where} (${b}): model rules reached from nothing`,
      value: String(last.rule ?? 0),
      target: `corpus: ${j.corpusCoverage.rule ?? 0} (outcomes ${last.outcome ?? 0} vs ${j.corpusCoverage.outcome ?? 0})`,
    });
    if (j.seriesCoverage) {
      const sc = j.seriesCoverage;
      rows.push({
        what: `fuzz ${where} (${b}): series lines executed from nothing (kernel coverage)`,
        value: `${sc.generated}/${sc.executable}`,
        target: `goal >= the corpus's ${sc.corpus}; ${sc.beyondCorpus.length} beyond it`,
        ok: sc.generated >= sc.corpus,
      });
    }
    process.stderr.write(`[bench] fuzz ${where}: ${j.scenarios} scenarios, ${reached.length + j.findings.length} signatures, out ${dir}\n`);
  }
}

printTable();

function printTable(): void {
  const width = Math.max(...rows.map((r) => r.what.length));
  const table = rows
    .map((r) => `${r.what.padEnd(width)}  ${r.value.padStart(10)}  ${r.target}${r.ok === undefined ? '' : r.ok ? '  ok' : '  MISSED'}`)
    .join('\n');
  process.stdout.write(table + '\n');
  mkdirSync('out', { recursive: true });
  writeFileSync('out/bench.json', JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');
}

/**
 * `gate --bisect --no-peer` over the RFC, as a user runs it. The first run
 * builds the prefix kernels the cache lacks (each an incremental step on the
 * shared object dir); when it built any, a second run measures the warm case.
 */
async function benchBisect(): Promise<void> {
  const recipe = (await findRecipe('sendzc-provided-rfc'))!;
  const { prefixes } = await seriesPrefixes(recipe);
  const unbuilt = async () => {
    let n = 0;
    for (const p of prefixes) if (!(await planKernel(p.recipe)).built) n++;
    return n;
  };
  const gate = async () => {
    const out = mkdtempSync(join(tmpdir(), 'uspec-bench-bisect-'));
    const before = await unbuilt();
    const [label, goalMs] = before ? ['first run', undefined] : ['warm', 180_000];
    const [r, ms] = await time(() =>
      execa('node', ['bin/uringspec.mjs', 'gate', '--bisect', '--no-peer', '--quiet', '--out', out], { reject: false }),
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    const b = report.bisect;
    row(
      `${label}: gate --bisect --no-peer, ${b?.findings.length ?? 0} findings, ${before} of ${prefixes.length} kernels built in it (exit ${r.exitCode})`,
      ms,
      goalMs ? '< 3 min (warm, 2 cores, TCG)' : 'measured',
      goalMs,
      's',
    );
    for (const p of b?.prefixes ?? [])
      rows.push({
        what: `  prefix ${p.index}: ${p.status}${p.reason ? ` (${p.reason})` : ''}`,
        value: `${(p.buildSeconds ?? 0).toFixed(0)}+${(p.runSeconds ?? 0).toFixed(0)} s`,
        target: `build${p.cacheHit ? ' (cache hit)' : ''} + boot`,
      });
    return before;
  };
  if ((await gate()) > 0) await gate();
}

function readMeta(recipe: string): { seconds: number } | undefined {
  try {
    const dir = join(process.env.URINGSPEC_CACHE ?? join(process.env.HOME ?? '', '.cache', 'uringspec'), 'kernels');
    const entry = readdirSync(dir)
      .sort()
      .find((d) => d.startsWith(`${recipe}-`) && !d.includes('kasan'));
    return entry ? (JSON.parse(readFileSync(join(dir, entry, 'meta.json'), 'utf8')) as { seconds: number }) : undefined;
  } catch {
    return undefined;
  }
}

/** fuzz.json as workflows/fuzz.ts writes it (findings without their scenario and result). */
type FuzzJson = Pick<
  FuzzResult,
  'scenarios' | 'batches' | 'batchSeconds' | 'known' | 'corpusSignatures' | 'coverage' | 'corpusCoverage' | 'seriesCoverage'
> & {
  findings: Pick<FuzzFinding, 'signature'>[];
};
