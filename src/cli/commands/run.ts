// `uringspec run`: scenarios on the host or in QEMU, compared with the model.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exitCodeOf } from '../../report/report.ts';
import { REPORT_FORMATS, reporterFor, type ReportFormat } from '../../report/index.ts';
import { TerminalReporter } from '../../report/terminal.ts';
import { allScenarios, loadSpecsOrThrow } from '../../specs/load.ts';
import { selectScenarios } from '../../specs/select.ts';
import { runCorpus } from '../../workflows/run.ts';
import { checkTargetChoice } from '../../workflows/target.ts';
import { COMMON_OPTIONS, UsageError, VERDICT_EXIT_USAGE, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';
import { progressPrinter } from '../progress.ts';
import { withSignals } from '../signals.ts';
import { TARGET_OPTIONS, TARGET_USAGE } from '../target-options.ts';

const USAGE = `uringspec run <file|dir>... [options]
  Builds every scenario into one static program, runs it, compares each
  scenario with the reference model and prints a verdict per scenario.

${TARGET_USAGE}
  -s, --scenario ID       only this scenario (repeatable)
  -t, --tag T             only scenarios with this tag (repeatable)
  -r, --report F          also write a ${REPORT_FORMATS.join('|')} report (to --out; without --out it
                          goes to stdout alone and the summary to stderr)
  -o, --out FILE          where --report goes
  --coverage              run on the recipe's coverage variant (gcov in io_uring/) and report which
                          lines the series adds the scenarios executed, per patch, hunk and scenario
  -q, --quiet             no progress output
${VERDICT_EXIT_USAGE}`;

const command: Command = {
  name: 'run',
  summary: 'run scenarios on the host or in QEMU and compare with the model',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...TARGET_OPTIONS,
        ...COMMON_OPTIONS,
        scenario: { type: 'string', short: 's', multiple: true },
        tag: { type: 'string', short: 't', multiple: true },
        report: { type: 'string', short: 'r' },
        out: { type: 'string', short: 'o' },
        coverage: { type: 'boolean', default: false },
      },
    });
    if (!positionals.length) throw new UsageError('name at least one spec file or directory');
    const choice = checkTargetChoice(values);
    if (values.report && !(REPORT_FORMATS as readonly string[]).includes(values.report))
      throw new UsageError(`--report must be one of ${REPORT_FORMATS.join(', ')}`);
    if (values.out && !values.report) throw new UsageError('--out names where --report goes: give --report too');
    const specs = loadSpecsOrThrow(positionals);
    const refs = selectScenarios(allScenarios(specs), { ids: values.scenario, tags: values.tag });
    const out = values.out ? prepareOut({ path: values.out, kind: 'file', inputs: specs.map((s) => s.file) }) : undefined;
    const report = await withSignals((signal) => runCorpus({ refs, choice, progress: progressPrinter(values.quiet), signal }));
    const machineOnStdout = values.report !== undefined && !values.out;
    (machineOnStdout ? process.stderr : process.stdout).write(new TerminalReporter().render(report));
    if (values.report) {
      const text = reporterFor(values.report as ReportFormat).render(report);
      if (out) writeFileSync(out, text);
      else process.stdout.write(text);
    }
    return exitCodeOf(report);
  },
};
export default command;
