import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { jsonSchema } from '../../specs/json-schema.ts';
import { EXIT_PASS, type Command } from '../command.ts';

const command: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of the spec format (for editors)',
  usage: 'uringspec schema [--out FILE]\n  Writes the JSON Schema generated from the zod schema (stdout by default).',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
    const text = JSON.stringify(jsonSchema(), null, 2) + '\n';
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    return EXIT_PASS;
  },
};
export default command;
