// JSON Schema for editors, generated from the zod schema (never written by hand).
import { z } from 'zod';
import { SpecFile } from './schema.ts';

export function jsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(SpecFile, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://uringspec.invalid/schema/uringspec.schema.json',
    title: 'uringspec scenario spec, version 1',
  };
}
