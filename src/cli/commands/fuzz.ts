// `uringspec fuzz`: generated scenarios against the model.
import { parseArgs } from 'node:util';
import { limitOf, overLimit } from '../../specs/limits.ts';
import { fuzz } from '../../workflows/fuzz.ts';
import { checkTargetChoice } from '../../workflows/target.ts';
import { COMMON_OPTIONS, EXIT, UsageError, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';
import { TARGET_OPTIONS, TARGET_USAGE } from '../target-options.ts';

const USAGE = `uringspec fuzz --count N --seed S [options]
  Generates N valid scenarios from seed S, runs them in batches (one boot
  per batch on QEMU), compares each with the model, and saves every new
  failure, minimized, with its spec and C under --out, one folder per
  failure signature. The same seed gives the same scenarios.
${TARGET_USAGE}
  --batch N               scenarios per batch (default 100)
  --no-minimize           save failures as generated
  -o, --out DIR           findings directory (default findings)
  -q, --quiet`;

function int(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v ?? '') || n < min || n > max) throw new UsageError(`--${name} takes an integer in ${min}..${max}, not "${v}"`);
  return n;
}

const command: Command = {
  name: 'fuzz',
  summary: 'generate scenarios, compare with the model, save minimized findings',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...TARGET_OPTIONS,
        ...COMMON_OPTIONS,
        count: { type: 'string', default: '100' },
        seed: { type: 'string', default: '1' },
        batch: { type: 'string', default: '100' },
        'no-minimize': { type: 'boolean', default: false },
        out: { type: 'string', short: 'o', default: 'findings' },
      },
    });
    const count = int('count', values.count, 1, 100000);
    const seed = int('seed', values.seed, -(2 ** 31), 2 ** 31 - 1);
    const batch = int('batch', values.batch, 1, 100000);
    // A batch is one program and one run.
    if (batch > limitOf('scenariosPerRun')) throw new UsageError(overLimit('scenariosPerRun', batch, '--batch'));
    const choice = checkTargetChoice(values);
    prepareOut({ path: values.out, kind: 'dir', inputs: [] });
    const r = await withSignals((signal) =>
      fuzz({
        count,
        seed,
        batch,
        minimize: !values['no-minimize'],
        outDir: values.out,
        choice,
        progress: progressPrinter(values.quiet),
        signal,
      }),
    );
    const lines = [
      `fuzz seed ${seed}: ${count} scenario(s) on ${r.label} (model ${r.profile}), ${r.failures} failing, ${r.findings.length} distinct signature(s), ${r.seconds.toFixed(1)} s`,
    ];
    for (const f of r.findings) lines.push(`  ${f.signature}\n    ${f.summary}`);
    if (r.findings.length) lines.push(`findings in ${values.out}/`);
    process.stdout.write(lines.join('\n') + '\n');
    return r.findings.length ? EXIT.fail : EXIT.pass;
  },
};
export default command;
