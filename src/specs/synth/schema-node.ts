// The spec schema (specs/schema.ts) as plain data the synthesizer can walk:
// every object field, union branch, array bound, enum value and number range
// read from the zod definitions themselves, so a field or enum value added to
// the schema is generated without new generator code. Refinements zod cannot
// describe (powers of two, 64-bit strings) are kept as the schema, and
// candidate values are checked with it.
import type { z } from 'zod';

export type SchemaNode =
  | { kind: 'object'; fields: Field[]; schema: z.ZodType }
  | { kind: 'union'; options: SchemaNode[]; schema: z.ZodType }
  | { kind: 'array'; element: SchemaNode; min: number; max: number; schema: z.ZodType }
  | { kind: 'enum'; values: string[]; schema: z.ZodType }
  | { kind: 'literal'; value: unknown; schema: z.ZodType }
  | { kind: 'number'; min: number; max: number; int: boolean; refined: boolean; schema: z.ZodType }
  | { kind: 'string'; pattern?: RegExp; min: number; max: number; schema: z.ZodType }
  | { kind: 'boolean'; schema: z.ZodType }
  | { kind: 'record'; key: SchemaNode; value: SchemaNode; schema: z.ZodType };

export interface Field {
  key: string;
  node: SchemaNode;
  /** The key may be left out (optional, or it has a default). */
  optional: boolean;
  /** The value the schema fills in when the key is left out. */
  defaultValue?: unknown;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  element?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  innerType?: z.ZodType;
  defaultValue?: unknown;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  checks?: { _zod: { def: CheckDef } }[];
}
interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: RegExp;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const cache = new WeakMap<z.ZodType, SchemaNode>();

/** The walkable form of a zod schema (cached per schema object). */
export function nodeOf(schema: z.ZodType): SchemaNode {
  let n = cache.get(schema);
  if (!n) cache.set(schema, (n = build(schema)));
  return n;
}

/** Unwraps optional/default layers: the inner schema, whether the key may be absent, and its default. */
function unwrap(s: z.ZodType): { inner: z.ZodType; optional: boolean; defaultValue?: unknown } {
  let optional = false;
  let defaultValue: unknown;
  let hasDefault = false;
  for (;;) {
    const d = defOf(s);
    if (d.type === 'optional') optional = true;
    else if (d.type === 'default') {
      optional = true;
      if (!hasDefault) defaultValue = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      hasDefault = true;
    } else return { inner: s, optional, ...(hasDefault ? { defaultValue } : {}) };
    s = d.innerType!;
  }
}

function checks(d: Def): CheckDef[] {
  return (d.checks ?? []).map((c) => c._zod.def);
}

function build(schema: z.ZodType): SchemaNode {
  const { inner } = unwrap(schema);
  const d = defOf(inner);
  const cs = checks(d);
  switch (d.type) {
    case 'object': {
      let fields: Field[] | undefined;
      return {
        kind: 'object',
        schema: inner,
        get fields() {
          // lazily (shapes may refer to schemas defined later), once
          fields ??= Object.entries(d.shape!).map(([key, s]) => {
            const u = unwrap(s);
            return { key, node: nodeOf(u.inner), optional: u.optional, ...('defaultValue' in u ? { defaultValue: u.defaultValue } : {}) };
          });
          return fields;
        },
      };
    }
    case 'union':
      return { kind: 'union', schema: inner, options: d.options!.map((o) => nodeOf(o)) };
    case 'array': {
      const min = cs.find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = cs.find((c) => c.check === 'max_length')?.maximum ?? 1 << 16;
      return { kind: 'array', schema: inner, element: nodeOf(d.element!), min, max };
    }
    case 'enum':
      return { kind: 'enum', schema: inner, values: Object.values(d.entries!) };
    case 'literal':
      return { kind: 'literal', schema: inner, value: d.values![0] };
    case 'number': {
      let min = Number.MIN_SAFE_INTEGER;
      let max = Number.MAX_SAFE_INTEGER;
      for (const c of cs) {
        if (c.check === 'greater_than') min = c.inclusive ? c.value! : c.value! + 1;
        if (c.check === 'less_than') max = c.inclusive ? c.value! : c.value! - 1;
      }
      const int = cs.some((c) => c.check === 'number_format' && /int/.test(c.format ?? ''));
      return { kind: 'number', schema: inner, min, max, int, refined: cs.some((c) => c.check === 'custom') };
    }
    case 'string': {
      const pattern = cs.find((c) => c.check === 'string_format' && c.pattern)?.pattern;
      const min = cs.find((c) => c.check === 'min_length')?.minimum ?? 0;
      const max = cs.find((c) => c.check === 'max_length')?.maximum ?? 64;
      return { kind: 'string', schema: inner, min, max, ...(pattern ? { pattern } : {}) };
    }
    case 'boolean':
      return { kind: 'boolean', schema: inner };
    case 'record':
      return { kind: 'record', schema: inner, key: nodeOf(d.keyType!), value: nodeOf(d.valueType!) };
    default:
      throw new Error(`the synthesizer does not know zod type "${d.type}": teach specs/synth/schema-node.ts`);
  }
}

/** Does the schema accept v (refinements included)? */
export function accepts(n: SchemaNode, v: unknown): boolean {
  // the common case without zod: a plain integer range
  if (n.kind === 'number' && !n.refined) return typeof v === 'number' && v >= n.min && v <= n.max && (!n.int || Number.isInteger(v));
  return n.schema.safeParse(v).success;
}

/**
 * A short name for each branch of a union: the key only that branch requires
 * (an object-valued one first: "regbuf", "plain", "send_zc"), a literal's
 * value ("tagged"), else the kind and position ("array0", "number0").
 */
export function branchNames(u: Extract<SchemaNode, { kind: 'union' }>): string[] {
  const required = u.options.map((o) => (o.kind === 'object' ? o.fields.filter((f) => !f.optional) : []));
  return u.options.map((o, i) => {
    if (o.kind === 'literal') return String(o.value);
    if (o.kind !== 'object') return `${o.kind}${i}`;
    const own = required[i]!.filter((f) => !required.some((r, j) => j !== i && r.some((g) => g.key === f.key)));
    const best = own.find((f) => f.node.kind === 'object') ?? own[0];
    return best?.key ?? `object${i}`;
  });
}
