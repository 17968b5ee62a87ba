import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateProgram } from '../../generator/program.ts';
import { batchRunner } from '../../harness/batch.ts';
import { minimize, scenarioBytes, scenarioSize } from '../../harness/minimize.ts';
import { failureSignature } from '../../harness/signature.ts';
import { inMemorySpec, specText } from '../../specs/memory.ts';
import { formatSpecError, loadSpecs } from '../../specs/load.ts';
import type { Scenario } from '../../specs/schema.ts';
import { EXIT_FAIL, EXIT_INFRA, EXIT_PASS, UsageError, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';
import { TARGET_OPTIONS, TARGET_USAGE, targetFromOptions } from '../target-options.ts';

const USAGE = `uringspec minimize <spec> --scenario ID [options]
  Shrinks a failing scenario (steps, buffers, sizes, flags) while it keeps
  failing the same way; each round's candidates run together in one batch.
${TARGET_USAGE}
  --tries N               runs of the original first, to tell a steady failure from a flaky one (default 3)
  --out DIR               where to write the minimized spec and its C (default out/minimized)
  --quiet`;

const command: Command = {
  name: 'minimize',
  summary: 'shrink a failing scenario to its core (delta debugging on the kernel)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...TARGET_OPTIONS, scenario: { type: 'string' }, tries: { type: 'string', default: '3' }, out: { type: 'string', default: 'out/minimized' }, quiet: { type: 'boolean', default: false } } });
    if (positionals.length !== 1 || !values.scenario) throw new UsageError('name one spec file and --scenario ID');
    const tries = Number(values.tries);
    if (!Number.isInteger(tries) || tries < 1 || tries > 50) throw new UsageError('--tries takes 1..50');
    const { specs, errors } = loadSpecs(positionals);
    if (errors.length) {
      for (const e of errors) process.stderr.write(formatSpecError(e) + '\n');
      return EXIT_INFRA;
    }
    const original = specs.flatMap((s) => s.spec.scenarios).find((s) => s.id === values.scenario);
    if (!original) throw new UsageError(`no scenario "${values.scenario}" in ${positionals[0]}`);
    const progress = progressPrinter(values.quiet!);
    const t0 = performance.now();
    const { target, label, oracle } = await targetFromOptions(values, progress);
    const run = batchRunner(target, oracle, label);
    const first = await run(Array.from({ length: tries }, (_, i) => ({ ...original, id: `${original.id.slice(0, 56)}-t${i}` })));
    const sigs = first.map(failureSignature);
    const failing = sigs.filter(Boolean);
    if (!failing.length) {
      process.stdout.write(`nothing to reproduce: ${original.id} passes on ${label} (${tries} run(s), model ${oracle.profile})\n`);
      return EXIT_PASS;
    }
    const signature = failing[0]!;
    const same = sigs.filter((s) => s === signature).length;
    if (same < tries) {
      process.stdout.write(`flaky: ${original.id} failed as "${signature}" in ${same} of ${tries} runs on ${label}; not minimized\n`);
      return EXIT_FAIL;
    }
    process.stdout.write(`${original.id}: ${signature} (${first[0]!.summary})\n`);
    let runs = tries;
    const result = await minimize(original, signature, async (batch) => (await run(batch)).map(failureSignature), {
      onRound: (round, size, change) => progress({ phase: 'minimize', detail: `round ${round}: ${change} (size ${size})` }),
    });
    runs += result.runs;
    const min: Scenario = { ...result.scenario, title: `${original.title} (minimized)` };
    mkdirSync(values.out!, { recursive: true });
    const specFile = join(values.out!, `${original.id}.min.yaml`);
    const cFile = join(values.out!, `${original.id}.min.c`);
    writeFileSync(specFile, specText([min], `# minimized by uringspec from ${positionals[0]} (${original.id}): ${signature}\n`));
    writeFileSync(cFile, generateProgram([{ spec: inMemorySpec([min], specFile), index: 0 }], { inlineRuntime: true }).c);
    process.stdout.write(
      [
        `minimized ${original.id}: ${scenarioSize(original)} -> ${scenarioSize(min)} elements, ${scenarioBytes(original)} -> ${scenarioBytes(min)} buffer bytes, in ${result.rounds} round(s), ${runs} run(s), ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        ...result.changes.map((c) => `  - ${c}`),
        `wrote ${specFile} and ${cFile}`,
      ].join('\n') + '\n',
    );
    return EXIT_FAIL;
  },
};
export default command;
