// The JSON Schema editors validate specs with (schema/uringspec.schema.json) is
// generated from the zod schema. Two checks: the committed file is the
// generator's current output, and both hold what the spec format says
// (docs, README), written out here by hand: a generator that drops a limit, an
// enum value or strictness fails the fragment, whatever it generates.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchema } from '../../src/specs/json-schema.ts';

const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' };
/** A strict object: no key but these. */
const strict = (properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, properties });
const int = (minimum: number, maximum: number, more: Record<string, unknown> = {}) => ({ type: 'integer', minimum, maximum, ...more });
const flags = (...names: string[]) => ({ type: 'array', items: { type: 'string', enum: names } });

/** What the spec format is, by hand (a subset: toMatchObject). */
const FRAGMENT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://uringspec.invalid/schema/uringspec.schema.json',
  type: 'object',
  required: ['version', 'scenarios'],
  additionalProperties: false,
  properties: {
    version: { type: 'number', const: 1 },
    scenarios: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'title', 'steps'],
        additionalProperties: false,
        properties: {
          id: ID,
          title: { type: 'string', minLength: 1, maxLength: 200 },
          tags: { type: 'array', default: [], items: ID },
          timeout_ms: int(100, 120000, { default: 5000 }),
          ring: strict({
            entries: int(1, 4096, { default: 8 }),
            cq_entries: int(2, 8192),
            flags: flags('SINGLE_ISSUER', 'DEFER_TASKRUN', 'COOP_TASKRUN', 'TASKRUN_FLAG', 'SUBMIT_ALL'),
          }),
          steps: { type: 'array', minItems: 1, maxItems: 256 },
        },
      },
    },
  },
};

/** The send_zc step, by hand. */
const SEND_ZC = {
  ...strict({
    send_zc: strict({
      len: int(0, 4294967295, { default: 0 }),
      buf_group: int(0, 65535),
      msg_flags: flags('WAITALL', 'DONTWAIT', 'MORE', 'NOSIGNAL'),
      sqe_flags: flags('ASYNC', 'IO_LINK', 'IO_DRAIN'),
    }),
  }),
  required: ['send_zc'],
};

type Obj = Record<string, unknown>;
const stepsOf = (schema: Obj) =>
  ((((schema.properties as Obj).scenarios as Obj).items as Obj).properties as Obj).steps as { items: { anyOf: Obj[] } };
const sendZcOf = (schema: Obj) => stepsOf(schema).items.anyOf.find((s) => 'send_zc' in ((s.properties as Obj | undefined) ?? {}));

describe('JSON Schema for editors', () => {
  const committed = JSON.parse(readFileSync('schema/uringspec.schema.json', 'utf8')) as Obj;

  it('the committed schema/uringspec.schema.json is the generator output (run `npx uringspec schema --out schema/uringspec.schema.json`)', () => {
    expect(committed).toEqual(jsonSchema());
  });

  it('holds the spec format as written down by hand: root, scenario, ring, the send_zc step', () => {
    for (const [name, schema] of [
      ['generated', jsonSchema()],
      ['committed', committed],
    ] as const) {
      expect(schema, name).toMatchObject(FRAGMENT);
      expect(sendZcOf(schema), name).toMatchObject(SEND_ZC);
      // every step is a strict one-key object
      for (const step of stepsOf(schema).items.anyOf) {
        expect(step.additionalProperties, `${name}: ${Object.keys(step.properties as Obj).join()}`).toBe(false);
        expect(Object.keys(step.properties as Obj), name).toHaveLength(1);
      }
    }
  });
});
