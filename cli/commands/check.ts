import { parseArgs } from 'node:util';
import { formatSpecError, loadSpecs } from '../../specs/load.ts';
import { EXIT_INFRA, EXIT_PASS, type Command } from '../command.ts';

const command: Command = {
  name: 'check',
  summary: 'validate spec files (every error as file:line:col)',
  usage: 'uringspec check <file|dir>...\n  Validates YAML scenario specs. Exit 0 if all are valid, 2 otherwise.',
  async run(argv) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    if (!positionals.length) positionals.push('specs');
    const { specs, errors } = loadSpecs(positionals);
    for (const e of errors) process.stderr.write(formatSpecError(e) + '\n');
    const n = specs.reduce((a, s) => a + s.spec.scenarios.length, 0);
    if (errors.length) {
      process.stderr.write(`${errors.length} error(s)\n`);
      return EXIT_INFRA;
    }
    process.stdout.write(`${specs.length} file(s), ${n} scenario(s): ok\n`);
    return EXIT_PASS;
  },
};
export default command;
