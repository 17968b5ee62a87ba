// `uringspec minimize`: shrink a failing scenario on the kernel.
import { parseArgs } from 'node:util';
import { loadSpecsOrThrow } from '../../specs/load.ts';
import { minimizeOnKernel } from '../../workflows/minimize.ts';
import { checkTargetChoice } from '../../workflows/target.ts';
import { COMMON_OPTIONS, EXIT, UsageError, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';
import { TARGET_OPTIONS, TARGET_USAGE } from '../target-options.ts';

const USAGE = `uringspec minimize <spec> -s|--scenario ID [options]
  Shrinks a failing scenario (steps, buffers, sizes, flags) while it keeps
  failing the same way; each round's candidates run together in one batch.
${TARGET_USAGE}
  --tries N               runs of the original first, to tell a steady failure from a flaky one (default 3)
  -o, --out DIR           where to write the minimized spec and its C (default out/minimized)
  -q, --quiet`;

const command: Command = {
  name: 'minimize',
  summary: 'shrink a failing scenario to its core (delta debugging on the kernel)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...TARGET_OPTIONS,
        ...COMMON_OPTIONS,
        scenario: { type: 'string', short: 's' },
        tries: { type: 'string', default: '3' },
        out: { type: 'string', short: 'o', default: 'out/minimized' },
      },
    });
    if (positionals.length !== 1 || !values.scenario) throw new UsageError('name one spec file and --scenario ID');
    const tries = Number(values.tries);
    if (!Number.isInteger(tries) || tries < 1 || tries > 50) throw new UsageError('--tries takes 1..50');
    const choice = checkTargetChoice(values);
    const scenario = loadSpecsOrThrow(positionals)
      .flatMap((s) => s.spec.scenarios)
      .find((s) => s.id === values.scenario);
    if (!scenario) throw new UsageError(`no scenario "${values.scenario}" in ${positionals[0]}`);
    prepareOut({
      path: values.out,
      kind: 'dir',
      writes: [`${scenario.id}.min.yaml`, `${scenario.id}.min.c`],
      inputs: [positionals[0]!],
    });
    const progress = progressPrinter(values.quiet);
    const r = await withSignals((signal) =>
      minimizeOnKernel({ scenario, from: positionals[0]!, choice, tries, outDir: values.out, progress, signal }),
    );
    if (r.kind === 'passes') {
      process.stdout.write(`nothing to reproduce: ${scenario.id} passes on ${r.label} (${tries} run(s), model ${r.profile})\n`);
      return EXIT.pass;
    }
    if (r.kind === 'flaky') {
      process.stdout.write(`flaky: ${scenario.id} failed as "${r.signature}" in ${r.same} of ${tries} runs on ${r.label}; not minimized\n`);
      return EXIT.fail;
    }
    process.stdout.write(
      [
        `${scenario.id}: ${r.signature} (${r.summary})`,
        `minimized ${scenario.id}: ${r.before.size} -> ${r.after.size} elements, ${r.before.bytes} -> ${r.after.bytes} buffer bytes, in ${r.rounds} round(s), ${r.runs} run(s), ${r.seconds.toFixed(1)} s`,
        ...r.changes.map((c) => `  - ${c}`),
        `wrote ${r.specFile} and ${r.cFile}`,
      ].join('\n') + '\n',
    );
    return EXIT.fail;
  },
};
export default command;
