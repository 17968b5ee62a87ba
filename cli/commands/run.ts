import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REPORT_FORMATS, reporterFor, type ReportFormat } from '../../harness/reporters/index.ts';
import { TerminalReporter } from '../../harness/reporters/terminal.ts';
import { exitCodeOf, type RunReport } from '../../harness/report.ts';
import { allScenarios, buildSuite, runScenarios, scenarioOf, type ScenarioRef } from '../../harness/runner.ts';
import { formatSpecError, loadSpecs } from '../../specs/load.ts';
import { EXIT_INFRA, UsageError, type Command } from '../command.ts';
import { progressPrinter } from '../progress.ts';
import { checkTargetOptions, openTarget, TARGET_OPTIONS, TARGET_USAGE } from '../target-options.ts';

const USAGE = `uringspec run <file|dir>... [options]
  Builds every scenario into one static program, runs it, compares each
  scenario with the reference model and prints a verdict per scenario.

${TARGET_USAGE}
  --scenario ID           only this scenario (repeatable)
  --tag T                 only scenarios with this tag (repeatable)
  --report F              also write a ${REPORT_FORMATS.join('|')} report (to --out, default stdout)
  --out FILE              where --report goes
  --quiet                 no progress output
Exit: 0 all pass, 1 a conformance failure, 2 usage or infrastructure error.`;

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
        scenario: { type: 'string', multiple: true },
        tag: { type: 'string', multiple: true },
        report: { type: 'string' },
        out: { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (!positionals.length) throw new UsageError('name at least one spec file or directory');
    const choice = checkTargetOptions(values);
    if (values.report && !REPORT_FORMATS.includes(values.report as ReportFormat)) throw new UsageError(`--report must be one of ${REPORT_FORMATS.join(', ')}`);

    const { specs, errors } = loadSpecs(positionals);
    if (errors.length) {
      for (const e of errors) process.stderr.write(formatSpecError(e) + '\n');
      process.stderr.write(`${errors.length} spec error(s): nothing was built\n`);
      return EXIT_INFRA;
    }
    const refs = selectScenarios(allScenarios(specs), values.scenario, values.tag);
    const progress = progressPrinter(values.quiet!);
    const started = new Date();
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.on('SIGINT', onSignal); // on, not once: qemu-process.ts re-raises the signal when no one else listens
    process.on('SIGTERM', onSignal);
    try {
      progress({ phase: 'compile', detail: `${refs.length} scenario(s)` });
      const compiled = await buildSuite(refs);
      progress({ phase: 'compile', detail: `${compiled.cacheHit ? 'cached' : `${Math.round(compiled.ms)} ms`}` });
      const { target, label, oracle } = await openTarget(choice, progress);
      const kernelArgs = choice.kernel ? ` --kernel ${choice.kernel}` : '';
      const run = await runScenarios({
        refs,
        target,
        oracle,
        label,
        compiled,
        progress,
        signal: abort.signal,
        reproduce: (r) => `npx uringspec run ${r.spec.file} --scenario ${scenarioOf(r).id}${kernelArgs}`,
      });
      const report: RunReport = {
        tool: 'uringspec',
        version: '0.1.0',
        startedAt: started.toISOString(),
        durationMs: Date.now() - started.getTime(),
        kernels: [run],
        incomplete: abort.signal.aborted,
        ...(abort.signal.aborted ? { incompleteReason: 'interrupted' } : {}),
      };
      process.stdout.write(new TerminalReporter().render(report));
      if (values.report) {
        const text = reporterFor(values.report as ReportFormat).render(report);
        if (values.out) writeFileSync(values.out, text);
        else process.stdout.write(text);
      }
      return exitCodeOf(report);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

function selectScenarios(refs: ScenarioRef[], ids: string[] | undefined, tags: string[] | undefined): ScenarioRef[] {
  let out = refs;
  if (ids?.length) {
    const missing = ids.filter((id) => !refs.some((r) => scenarioOf(r).id === id));
    if (missing.length) throw new UsageError(`no scenario with id ${missing.join(', ')}`);
    out = out.filter((r) => ids.includes(scenarioOf(r).id));
  }
  if (tags?.length) out = out.filter((r) => scenarioOf(r).tags.some((t) => tags.includes(t)));
  if (!out.length) throw new UsageError('no scenario matches the selection');
  return out;
}

export default command;
