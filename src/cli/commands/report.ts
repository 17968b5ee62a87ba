// `uringspec report merge`: sharded gate runs joined into one report set.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mergeReports } from '../../report/merge.ts';
import { exitCodeOf, type RunReport } from '../../report/report.ts';
import { writeReportSet } from '../../report/index.ts';
import { TerminalReporter } from '../../report/terminal.ts';
import { EXIT, VERDICT_EXIT_USAGE, type Command } from '../command.ts';
import { UsageError } from '../../core/errors.ts';

const command: Command = {
  name: 'report',
  summary: 'merge sharded JSON reports into one report set',
  usage: `uringspec report merge <report.json>... --out DIR
  Writes KTAP, JUnit, JSON, HTML and a summary for the merged result.
${VERDICT_EXIT_USAGE}`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string', short: 'o', default: 'out/merged' } },
    });
    const [verb, ...files] = positionals;
    if (verb !== 'merge') throw new UsageError(`unknown report verb "${verb ?? ''}"`);
    if (!files.length) throw new UsageError('name the JSON reports to merge');
    const reports = files.map((f) => {
      let r: RunReport;
      try {
        r = JSON.parse(readFileSync(f, 'utf8')) as RunReport;
      } catch (e) {
        throw new UsageError(`${f}: not a readable JSON report (${(e as Error).message})`);
      }
      if (r.tool !== 'uringspec' || !Array.isArray(r.kernels)) throw new UsageError(`${f}: not a uringspec JSON report`);
      return r;
    });
    const merged = mergeReports(reports);
    const { failed } = writeReportSet(merged, values.out);
    process.stdout.write(new TerminalReporter().render(merged));
    for (const f of failed) process.stderr.write(`uringspec report: could not write ${f.file}: ${f.message}\n`);
    return failed.length ? EXIT.infra : exitCodeOf(merged);
  },
};
export default command;
