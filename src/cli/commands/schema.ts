// `uringspec schema`: the JSON Schema of the spec format, for editors.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { jsonSchema } from '../../specs/json-schema.ts';
import { EXIT, type Command } from '../command.ts';
import { prepareOut } from '../out.ts';

const command: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of the spec format (for editors)',
  usage: 'uringspec schema [-o|--out FILE]\n  Writes the JSON Schema generated from the zod schema (stdout by default).',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { out: { type: 'string', short: 'o' } } });
    const out = values.out ? prepareOut({ path: values.out, kind: 'file', inputs: [] }) : undefined;
    const text = JSON.stringify(jsonSchema(), null, 2) + '\n';
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    return EXIT.pass;
  },
};
export default command;
