// `uringspec generate`: the C for specs, or one scenario standing alone.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateProgram } from '../../generator/program.ts';
import { allScenarios, loadSpecsOrThrow } from '../../specs/load.ts';
import { selectScenarios } from '../../specs/select.ts';
import { EXIT, UsageError, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';

const command: Command = {
  name: 'generate',
  summary: 'emit the C program for specs (or one standalone scenario)',
  usage: [
    'uringspec generate <file|dir>... [-s|--scenario ID]... [-o|--out FILE]',
    '  Without --scenario: one program with every scenario and a dispatcher (needs src/generator/c/uspec.h on the include path).',
    '  With --scenario: those scenarios alone, runtime inlined: gcc -O2 -o prog prog.c -luring',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { scenario: { type: 'string', short: 's', multiple: true }, out: { type: 'string', short: 'o' } },
    });
    if (!positionals.length) throw new UsageError('name at least one spec file or directory');
    const specs = loadSpecsOrThrow(positionals);
    const refs = selectScenarios(allScenarios(specs), { ids: values.scenario });
    const out = values.out ? prepareOut({ path: values.out, kind: 'file', inputs: specs.map((s) => s.file) }) : undefined;
    const prog = generateProgram(refs, { inlineRuntime: Boolean(values.scenario) });
    if (out) writeFileSync(out, prog.c);
    else process.stdout.write(prog.c);
    return EXIT.pass;
  },
};
export default command;
