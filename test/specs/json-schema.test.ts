import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchema } from '../../src/specs/json-schema.ts';

describe('JSON Schema for editors', () => {
  it('the committed schema/uringspec.schema.json matches the zod schema (run `npx uringspec schema --out schema/uringspec.schema.json`)', () => {
    const committed = JSON.parse(readFileSync('schema/uringspec.schema.json', 'utf8'));
    expect(committed).toEqual(jsonSchema());
  });

  it('is strict: unknown keys are not allowed in scenarios and steps', () => {
    const s = JSON.stringify(jsonSchema());
    expect(s).toContain('"additionalProperties":false');
    expect(s).toContain('"send_zc"');
  });
});
