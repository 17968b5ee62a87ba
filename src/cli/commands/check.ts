// `uringspec check`: validate specs; every error as file:line:col.
import { parseArgs } from 'node:util';
import { CORPUS_DIR } from '../../core/paths.ts';
import { relative } from 'node:path';
import { loadSpecsOrThrow } from '../../specs/load.ts';
import { EXIT, type Command } from '../command.ts';

const command: Command = {
  name: 'check',
  summary: 'validate spec files (every error as file:line:col)',
  usage: `uringspec check [<file|dir>...]
  Validates YAML scenario specs (default: the corpus, ${relative(process.cwd(), CORPUS_DIR) || '.'}/).
Exit: 0 all valid, 2 otherwise (each error as file:line:col: path: message).`,
  async run(argv) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    const specs = loadSpecsOrThrow(positionals.length ? positionals : [CORPUS_DIR]);
    const n = specs.reduce((a, s) => a + s.spec.scenarios.length, 0);
    process.stdout.write(`${specs.length} file(s), ${n} scenario(s): ok\n`);
    return EXIT.pass;
  },
};
export default command;
