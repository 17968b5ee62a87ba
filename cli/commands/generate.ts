import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateProgram } from '../../generator/program.ts';
import { formatSpecError, loadSpecs } from '../../specs/load.ts';
import { allScenarios, scenarioOf } from '../../harness/runner.ts';
import { EXIT_INFRA, EXIT_PASS, UsageError, type Command } from '../command.ts';

const command: Command = {
  name: 'generate',
  summary: 'emit the C program for specs (or one standalone scenario)',
  usage: [
    'uringspec generate <file|dir>... [--scenario ID] [--out FILE]',
    '  Without --scenario: one program with every scenario and a dispatcher (needs c-templates/uspec.h on the include path).',
    '  With --scenario: that scenario alone, runtime inlined: gcc -O2 -o prog prog.c -luring',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { scenario: { type: 'string', multiple: true }, out: { type: 'string' } } });
    if (!positionals.length) throw new UsageError('name at least one spec file or directory');
    const { specs, errors } = loadSpecs(positionals);
    if (errors.length) {
      for (const e of errors) process.stderr.write(formatSpecError(e) + '\n');
      return EXIT_INFRA;
    }
    let refs = allScenarios(specs);
    if (values.scenario) {
      const want = new Set(values.scenario);
      refs = refs.filter((r) => want.has(scenarioOf(r).id));
      const missing = [...want].filter((id) => !refs.some((r) => scenarioOf(r).id === id));
      if (missing.length) throw new UsageError(`no scenario with id ${missing.join(', ')}`);
    }
    const prog = generateProgram(refs, { inlineRuntime: Boolean(values.scenario) });
    if (values.out) writeFileSync(values.out, prog.c);
    else process.stdout.write(prog.c);
    return EXIT_PASS;
  },
};
export default command;
