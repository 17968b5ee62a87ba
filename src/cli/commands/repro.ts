// `uringspec repro`: a standalone C reproducer and the text to send with it.
import { parseArgs } from 'node:util';
import { loadSpecsOrThrow } from '../../specs/load.ts';
import { bisectOne } from '../../workflows/bisect-one.ts';
import { bisectableRecipe } from '../../workflows/gate-bisect.ts';
import { makeRepro } from '../../workflows/repro.ts';
import { printBisect } from './bisect.ts';
import { checkTargetChoice } from '../../workflows/target.ts';
import { COMMON_OPTIONS, EXIT, UsageError, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';
import { TARGET_OPTIONS, TARGET_USAGE } from '../target-options.ts';

const USAGE = `uringspec repro <spec> -s|--scenario ID [options]
  Writes a standalone C reproducer (libc + liburing; exit 0 pass, 1 fail,
  77 skip) with the model's expectations compiled in, builds it, runs it on
  the kernel, and writes a plain-text report ready for an email.
${TARGET_USAGE}
  --mail                  <id>.txt becomes a reply to the patch of the series the failure comes
                          from: the scenario is minimized on the kernel and bisected over the
                          series (see 'uringspec help bisect'); --kernel must be a recipe
  -o, --out DIR           where to write <id>.c and <id>.txt (default out/repro)
  -q, --quiet`;

const command: Command = {
  name: 'repro',
  summary: 'standalone C reproducer + email text for a scenario',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...TARGET_OPTIONS,
        ...COMMON_OPTIONS,
        scenario: { type: 'string', short: 's' },
        out: { type: 'string', short: 'o', default: 'out/repro' },
        mail: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1 || !values.scenario) throw new UsageError('name one spec file and --scenario ID');
    const choice = checkTargetChoice(values);
    const spec = loadSpecsOrThrow(positionals)[0]!;
    const index = spec.spec.scenarios.findIndex((s) => s.id === values.scenario);
    if (index < 0) throw new UsageError(`no scenario "${values.scenario}" in ${spec.file}`);
    if (values.mail && !choice.kernel) throw new UsageError('--mail needs --kernel <recipe>: the series to bisect');
    const recipe = values.mail ? await bisectableRecipe(choice.kernel!) : undefined;
    const progress = progressPrinter(values.quiet);
    const id = values.scenario;
    prepareOut({ path: values.out, kind: 'dir', writes: [`${id}.c`, `${id}.txt`, id], inputs: [spec.file] });
    const r = await withSignals((signal) => makeRepro({ spec, index, choice, outDir: values.out, progress, signal }));
    process.stdout.write(`${r.id} on ${r.label}: reproducer ${r.verdict}\n${r.checks.map((l) => `  ${l}`).join('\n')}\n`);
    if (recipe) {
      const b = await withSignals((signal) =>
        bisectOne({
          spec,
          index,
          recipe,
          kernel: choice.kernel!,
          profile: choice.profile,
          accel: choice.accel,
          outDir: values.out,
          minimize: true,
          progress,
          signal,
        }),
      );
      if (b.kind === 'bisected') process.stdout.write(printBisect(b));
      else process.stdout.write(`nothing to bisect: ${r.id} does not fail on ${b.label}; ${r.textFile} is the report for it\n`);
    }
    process.stdout.write(`wrote ${r.cFile} and ${r.textFile}\n`);
    return r.exit === 0 || r.exit === 77 ? EXIT.pass : EXIT.fail;
  },
};
export default command;
