// `uringspec fuzz`: generated scenarios against the model; new findings become corpus scenarios.
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CORPUS_DIR } from '../../core/paths.ts';
import { limitOf, overLimit } from '../../specs/limits.ts';
import { fuzz } from '../../workflows/fuzz.ts';
import { checkTargetChoice, withCoverageIfPossible } from '../../workflows/target.ts';
import { COMMON_OPTIONS, EXIT, UsageError, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';
import { TARGET_OPTIONS, TARGET_USAGE } from '../target-options.ts';

const USAGE = `uringspec fuzz [--count N | --budget T] [--seed S] [options]
  Generates valid scenarios over the whole spec language (boundary values
  first, combined pairwise; then mutations of the scenarios that reached a
  model rule, an outcome or a verdict nothing else did), runs them in
  batches (one compile, one boot per batch on QEMU) and compares each with
  the model. The corpus runs first: a failure it already shows on this
  kernel and profile is not new. Each new finding is minimized and saved
  under --found as a scenario (header: seed, kernel, signature, how to
  reproduce) with its reproducer C beside it. The same seed gives the same
  scenarios in the same order. On a kernel recipe the scenarios run on its
  coverage variant (gcov in io_uring/): the series' added lines each one
  executed are feedback too, and the run reports how many of them the
  generated scenarios reached over time, against the corpus.
${TARGET_USAGE}
  --count N               stop after N generated scenarios (default 100 without --budget)
  --budget T              stop after T: 90s, 10m, 1h (a number alone is seconds)
  --seed S                integer seed (default 1)
  --batch N               scenarios per batch (default 200)
  --boundary-rows N       most pairwise rows of the boundary phase (default 1500; 0 skips it)
  --corpus DIR            the corpus to run first and deduplicate against (default ${relative(process.cwd(), CORPUS_DIR) || '.'})
  --found DIR             where new findings go (default <corpus>/found)
  --no-minimize           save findings as generated
  --no-coverage           no kernel coverage feedback: run on the recipe's plain kernel
  -o, --out DIR           reports (ktap, junit, json, html, text) and fuzz.json (default out/fuzz)
  -q, --quiet
Exit: 0 no new finding, 1 new findings, 2 usage or infrastructure error.`;

function int(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v ?? '') || n < min || n > max) throw new UsageError(`--${name} takes an integer in ${min}..${max}, not "${v}"`);
  return n;
}

/** "90s", "10m", "1h", "45" (seconds) -> ms. */
export function parseBudget(v: string): number {
  const m = /^(\d+(?:\.\d+)?)([smh]?)$/.exec(v.trim());
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--budget takes a duration like 90s, 10m or 1h, not "${v}"`);
  return Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as '' | 's' | 'm' | 'h'];
}

function directory(name: string, dir: string): string {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`--${name} ${dir}: no such directory`);
  }
  if (!st.isDirectory()) throw new UsageError(`--${name} ${dir}: not a directory`);
  return dir;
}

const command: Command = {
  name: 'fuzz',
  summary: 'generate scenarios, compare with the model, save minimized findings into the corpus',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...TARGET_OPTIONS,
        ...COMMON_OPTIONS,
        count: { type: 'string' },
        budget: { type: 'string' },
        seed: { type: 'string', default: '1' },
        batch: { type: 'string', default: '200' },
        'boundary-rows': { type: 'string' },
        corpus: { type: 'string' },
        found: { type: 'string' },
        'no-minimize': { type: 'boolean', default: false },
        'no-coverage': { type: 'boolean', default: false },
        out: { type: 'string', short: 'o', default: join('out', 'fuzz') },
      },
    });
    const seed = int('seed', values.seed, -(2 ** 31), 2 ** 31 - 1);
    const budgetMs = values.budget !== undefined ? parseBudget(values.budget) : undefined;
    const count = values.count !== undefined ? int('count', values.count, 1, 10_000_000) : budgetMs === undefined ? 100 : undefined;
    const batch = int('batch', values.batch, 1, 100_000);
    const boundaryRows = values['boundary-rows'] !== undefined ? int('boundary-rows', values['boundary-rows'], 0, 1_000_000) : undefined;
    const corpusDir = directory('corpus', values.corpus ?? CORPUS_DIR);
    const foundDir = values.found ?? join(corpusDir, 'found');
    const log = values.quiet ? () => {} : (line: string) => process.stderr.write(line + '\n');
    const plain = checkTargetChoice(values);
    const { choice, without } = values['no-coverage'] ? { choice: plain, without: '--no-coverage' } : await withCoverageIfPossible(plain);
    if (without && plain.kind === 'qemu') log(`[fuzz] no kernel coverage feedback: ${without}`);
    // A batch is one program and one run.
    if (batch > limitOf('scenariosPerRun')) throw new UsageError(overLimit('scenariosPerRun', batch, '--batch'));
    prepareOut({ path: values.out, kind: 'dir', inputs: [] });
    const r = await withSignals((signal) =>
      fuzz({
        seed,
        ...(count !== undefined ? { count } : {}),
        ...(budgetMs !== undefined ? { budgetMs } : {}),
        batch,
        ...(boundaryRows !== undefined ? { boundaryRows } : {}),
        minimize: !values['no-minimize'],
        corpusDir,
        foundDir,
        outDir: values.out,
        choice,
        progress: progressPrinter(values.quiet),
        log,
        signal,
      }),
    );
    const cov = (c: Record<string, number>) =>
      Object.entries(c)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
    const last = r.coverage[r.coverage.length - 1]?.features ?? {};
    const lines = [
      `fuzz seed ${seed}: ${r.scenarios} scenario(s) in ${r.batches} batch(es) on ${r.label} (model ${r.profile}), ${r.failures} failing, ` +
        `${r.findings.length} new finding(s), ${r.known.length} known, ${r.seconds.toFixed(1)} s`,
      `  generated: ${r.synth.built} built, ${r.synth.repaired} repaired, ${r.synth.rejected} rejected, ${r.skippedNoOracle} not run (no oracle), ${r.skippedCrash} not run (where a crash or a missing completion went); ` +
        `${Object.entries(r.synth.byOrigin)
          .map(([o, n]) => `${n} ${o}`)
          .join(', ')}; boundary items ${r.synth.boundary.covered}/${r.synth.boundary.wanted}`,
      `  coverage: ${cov(last)} (the corpus's ${r.corpusScenarios} scenarios: ${cov(r.corpusCoverage)})`,
      ...(r.seriesCoverage
        ? [
            `  series lines (${r.seriesCoverage.kernel}): generated ${r.seriesCoverage.generated}/${r.seriesCoverage.executable}, ` +
              `corpus ${r.seriesCoverage.corpus}/${r.seriesCoverage.executable}; ${r.seriesCoverage.beyondCorpus.length} beyond the corpus, ` +
              `${r.seriesCoverage.corpusOnly.length} only the corpus reached${r.seriesCoverage.corpusOnly.length ? ` (${r.seriesCoverage.corpusOnly.slice(0, 4).join(', ')}${r.seriesCoverage.corpusOnly.length > 4 ? ' ...' : ''})` : ''}`,
          ]
        : []),
      `  verdicts: ${Object.entries(r.statuses)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}`,
    ];
    if (r.harnessErrors.length)
      lines.push(
        `  harness errors (valid scenarios the program could not run): ${r.harnessErrors.length}, first: ${r.harnessErrors[0]!.summary}`,
      );
    for (const k of r.known) lines.push(`  known  ${k.signature} (corpus: ${k.corpusId})`);
    for (const f of r.findings)
      lines.push(
        `  NEW    ${f.signature}${f.reproduced ? '' : ' (did not fail alike when rerun)'}\n         ${f.summary}\n         ${f.file}`,
      );
    lines.push(`reports: ${r.reportFiles.map((f) => relative(process.cwd(), f)).join(' ')}`);
    process.stdout.write(lines.join('\n') + '\n');
    return r.findings.length ? EXIT.fail : EXIT.pass;
  },
};
export default command;
