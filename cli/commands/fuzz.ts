import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateProgram } from '../../generator/program.ts';
import { generateRepro } from '../../generator/repro.ts';
import { batchRunner } from '../../harness/batch.ts';
import { generateScenarios } from '../../harness/fuzz.ts';
import { minimize } from '../../harness/minimize.ts';
import { describeDiff } from '../../harness/reporters/reporter.ts';
import { failureSignature } from '../../harness/signature.ts';
import { inMemorySpec, specText } from '../../specs/memory.ts';
import { EXIT_FAIL, EXIT_PASS, UsageError, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';
import { TARGET_OPTIONS, TARGET_USAGE, targetFromOptions } from '../target-options.ts';

const USAGE = `uringspec fuzz --count N --seed S [options]
  Generates N valid scenarios from seed S, runs them in batches (one boot
  per batch on QEMU), compares each with the model, and saves every new
  failure, minimized, with its spec and C under --out, one folder per
  failure signature. The same seed gives the same scenarios.
${TARGET_USAGE}
  --batch N               scenarios per batch (default 100)
  --no-minimize           save failures as generated
  --out DIR               findings directory (default findings)
  --quiet`;

const command: Command = {
  name: 'fuzz',
  summary: 'generate scenarios, compare with the model, save minimized findings',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { ...TARGET_OPTIONS, count: { type: 'string', default: '100' }, seed: { type: 'string', default: '1' }, batch: { type: 'string', default: '100' }, 'no-minimize': { type: 'boolean', default: false }, out: { type: 'string', default: 'findings' }, quiet: { type: 'boolean', default: false } } });
    const count = Number(values.count), seed = Number(values.seed), batch = Number(values.batch);
    if (!Number.isInteger(count) || count < 1 || count > 100000) throw new UsageError('--count takes 1..100000');
    if (!Number.isInteger(seed)) throw new UsageError('--seed takes an integer');
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError('--batch takes a positive integer');
    const progress = progressPrinter(values.quiet!);
    const t0 = performance.now();
    const { target, label, oracle } = await targetFromOptions(values, progress);
    const run = batchRunner(target, oracle, label);
    const scenarios = generateScenarios(count, seed);
    const found = new Map<string, { id: string; summary: string; diffs: string[] }>();
    let failures = 0;
    for (let i = 0; i < scenarios.length; i += batch) {
      const chunk = scenarios.slice(i, i + batch);
      const results = await run(chunk);
      progress({ phase: 'fuzz', done: Math.min(i + batch, scenarios.length), total: scenarios.length, detail: `${found.size} signature(s)` });
      for (const [j, r] of results.entries()) {
        const sig = failureSignature(r);
        if (!sig) continue;
        failures++;
        if (found.has(sig)) continue;
        let sc = chunk[j]!;
        if (!values['no-minimize']) sc = (await minimize(sc, sig, async (b) => (await run(b)).map(failureSignature), { maxRounds: 20 })).scenario;
        const slug = `${sig.replace(/[^a-z0-9]+/gi, '-').slice(0, 48)}-${createHash('sha256').update(sig).digest('hex').slice(0, 8)}`;
        const dir = join(values.out!, slug);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'scenario.yaml'), specText([sc], `# uringspec fuzz --seed ${seed}: ${sig}\n`));
        // The reproducer checks the model's expectations; named relative so the same seed gives identical files.
        const prediction = oracle.predict(sc);
        const spec = inMemorySpec([sc], 'scenario.yaml');
        writeFileSync(join(dir, 'repro.c'), prediction.kind === 'prediction' ? generateRepro(spec, 0, prediction, { kernel: label, profile: oracle.profile }) : generateProgram([{ spec, index: 0 }], { inlineRuntime: true }).c);
        writeFileSync(join(dir, 'report.txt'), `${sig}\n${r.summary}\n${r.diffs.map(describeDiff).join('\n')}\n`);
        found.set(sig, { id: sc.id, summary: r.summary, diffs: r.diffs.map(describeDiff) });
      }
    }
    const lines = [`fuzz seed ${seed}: ${count} scenario(s) on ${label} (model ${oracle.profile}), ${failures} failing, ${found.size} distinct signature(s), ${((performance.now() - t0) / 1000).toFixed(1)} s`];
    for (const [sig, f] of [...found].sort()) lines.push(`  ${sig}\n    ${f.summary}`);
    if (found.size) lines.push(`findings in ${values.out}/`);
    process.stdout.write(lines.join('\n') + '\n');
    return found.size ? EXIT_FAIL : EXIT_PASS;
  },
};
export default command;
