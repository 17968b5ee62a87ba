// Builds one scenario by walking the schema (schema-node.ts) from the top:
// every union branch, optional key, array length, enum value and number is a
// decision, recorded under the value's path in a trace. A trace replays: a
// mutation changes one decision and rebuilds, a pairwise row fixes the
// numbers' boundary labels, and whatever a replayed trace does not say is
// drawn afresh. Numbers draw from boundary values (the schema's edges, the
// limits of their unit, the relational values of sites.ts) or at random.
import { Scenario } from '../schema.ts';
import { accepts, branchNames, nodeOf, type Field, type SchemaNode } from './schema-node.ts';
import { hintFor, type Hint, type Obj, type PathSeg, type SiteCtx } from './sites.ts';
import type { Limit } from './limits.ts';
import type { Rng } from './rng.ts';

/** A number for a raw value, branch, length, presence or enum index; a string for a number's boundary label. */
export type Decision = number | string;
export type Trace = ReadonlyMap<string, Decision>;

/** A number the scenario holds and the boundary labels it could take there. */
export interface NumberSite {
  key: string;
  pattern: string;
  /** Key of the object the number is a field of (siblings interact). */
  parent: string;
  labels: string[];
  relates: string[];
}

export interface BuildOptions {
  rng: Rng;
  limits: readonly Limit[];
  /** Decisions to take where they still apply. */
  replay?: Trace;
  /** Structure already seen: branches, enum values, lengths not in it are preferred (skeletons of the boundary phase). */
  seen?: ReadonlySet<string>;
  /** Probability a number takes one of its boundary values rather than a random one. */
  boundaryBias: number;
}

export interface Built {
  value: Obj;
  trace: Map<string, Decision>;
  sites: NumberSite[];
  /** Structure features: "steps[]#send_zc", "socket.type=udp", "buffer_rings[].buffers#len=entries". */
  structure: string[];
  /** The boundary label each number took (keyed like the trace), where it took one. */
  labels: Map<string, string>;
}

/** Where a value is: its key in the trace ("steps[2].send_zc.len") and its pattern ("steps[].send_zc.len"). */
interface Where {
  key: string;
  pattern: string;
  parent: string;
}
const child = (w: Where, p: PathSeg): Where =>
  typeof p === 'number'
    ? { key: `${w.key}[${p}]`, pattern: `${w.pattern}[]`, parent: w.key }
    : { key: w.key ? `${w.key}.${p}` : p, pattern: w.pattern ? `${w.pattern}.${p}` : p, parent: w.key };
const ROOT: Where = { key: '', pattern: '', parent: '' };

/** Strings a string field may take, checked against its schema (pattern, length). */
const STRING_SAMPLES = [
  'a',
  'abc',
  'uringspec',
  '0',
  '1',
  '4294967296',
  '18446744073709551615',
  '0xffffffffffffffff',
  '0x8000000000000000',
];
/**
 * Longest array the builder fills. Past UIO_MAXIOV + 1 no limit the model or
 * the kernel knows changes; a ring may still have 32768 entries, only the
 * number of buffers put in it stops here.
 */
export const LENGTH_CAP = 1100;
/** Bit widths whose edges every unhinted number gets (where its range reaches). */
const BIT_EDGES = [8, 16, 31, 32];

export function buildScenario(o: BuildOptions): Built {
  const b = new Builder(o);
  const root: Obj = {};
  b.object(nodeOf(Scenario) as Extract<SchemaNode, { kind: 'object' }>, ROOT, { root, ancestors: [], limits: o.limits }, root);
  return { value: root, trace: b.trace, sites: b.sites, structure: [...b.structure], labels: b.labels };
}

class Builder {
  readonly trace = new Map<string, Decision>();
  readonly sites: NumberSite[] = [];
  readonly structure = new Set<string>();
  readonly labels = new Map<string, string>();

  constructor(private readonly o: BuildOptions) {}

  /**
   * One structural decision. With `seen` (skeletons), an option whose own
   * feature or anything reachable below it (`below`) is unseen is preferred.
   */
  private decide(key: string, n: number, weights: number[], features: string[], below?: ReadonlySet<string>[]): number {
    const r = this.o.replay?.get(key);
    let i: number;
    if (typeof r === 'number' && r >= 0 && r < n) i = r;
    else {
      const seen = this.o.seen;
      const fresh = (j: number) => !seen!.has(features[j]!) || [...(below?.[j] ?? [])].some((f) => !seen!.has(f));
      const unseen = seen ? features.map((_, j) => j).filter((j) => weights[j]! > 0 && fresh(j)) : [];
      // unseen choices first, in proportion to their weights (a hint's weights say what the series is about)
      i = unseen.length ? unseen[this.o.rng.weighted(unseen.map((j) => weights[j]!))]! : this.o.rng.weighted(weights);
    }
    this.trace.set(key, i);
    this.structure.add(features[i]!);
    return i;
  }

  value(node: SchemaNode, at: Where, ctx: SiteCtx, hint: Hint): unknown {
    const { key, pattern } = at;
    if (node.kind === 'number' || hint.choices) return this.pick(node, at, ctx, hint);
    switch (node.kind) {
      case 'object': {
        const obj: Obj = {};
        this.object(node, at, { ...ctx, ancestors: [...ctx.ancestors, obj] }, obj);
        return obj;
      }
      case 'union': {
        const names = branchNames(node);
        const prev = ctx.siblings?.[ctx.siblings.length - 1];
        const follow =
          hint.sameBranchAsSibling && !this.o.seen && prev && typeof prev === 'object' && this.o.rng.chance(hint.sameBranchAsSibling)
            ? names.findIndex((n) => n in prev)
            : -1;
        const i = this.decide(
          `${key}#branch`,
          names.length,
          follow >= 0 ? names.map((_, j) => (j === follow ? 1 : 0)) : names.map((n) => hint.branches?.[n] ?? 1),
          names.map((n) => `${pattern}#${n}`),
          this.o.seen ? node.options.map((o) => reachable(o, pattern)) : undefined,
        );
        return this.value(node.options[i]!, at, ctx, hint);
      }
      case 'array':
        return this.array(node, at, ctx, hint);
      case 'enum': {
        const i = this.decide(
          key,
          node.values.length,
          node.values.map(() => 1),
          node.values.map((v) => `${pattern}=${v}`),
        );
        return node.values[i];
      }
      case 'boolean':
        return this.decide(key, 2, [1, 1], [`${pattern}=false`, `${pattern}=true`]) === 1;
      case 'literal':
        return node.value;
      case 'string': {
        const ok = [...STRING_SAMPLES, 'u'.repeat(Math.min(node.max, 256))].filter((s) => accepts(node, s));
        const i = this.decide(
          key,
          ok.length,
          ok.map(() => 1),
          ok.map((_, j) => `${pattern}#sample${j}`),
        );
        return ok[i];
      }
      case 'record':
        return {};
    }
  }

  /** Builds the fields of an object into obj, in schema order except where a hint asks for a sibling first. */
  object(node: Extract<SchemaNode, { kind: 'object' }>, at: Where, ctx: SiteCtx, obj: Obj): void {
    const ctxHere = ctx.ancestors.length ? ctx : { ...ctx, ancestors: [obj] };
    for (const f of buildOrder(node, at.pattern)) {
      const w = child(at, f.key);
      const hint = hintFor(w.pattern);
      if ('fixed' in hint) {
        if (hint.fixed !== undefined) obj[f.key] = hint.fixed;
        continue;
      }
      if (f.optional) {
        const pr = typeof hint.present === 'function' ? hint.present(ctxHere) : (hint.present ?? 0.5);
        const has = this.decide(
          `${w.key}#has`,
          2,
          [1 - pr, pr],
          [`${w.pattern}#absent`, `${w.pattern}#present`],
          this.o.seen ? [new Set(), reachable(f.node, w.pattern)] : undefined,
        );
        if (!has) continue;
      }
      const v = this.value(f.node, w, ctxHere, hint);
      if (v !== undefined) obj[f.key] = v;
    }
    // schema order for a readable spec
    const built = { ...obj };
    for (const k of Object.keys(obj)) delete obj[k];
    for (const f of node.fields) if (f.key in built) obj[f.key] = built[f.key];
  }

  private array(node: Extract<SchemaNode, { kind: 'array' }>, at: Where, ctx: SiteCtx, hint: Hint): unknown[] {
    const { key, pattern } = at;
    const el = node.element;
    if (el.kind === 'enum') {
      // a set of flags: each value in or out
      const r = this.o.replay?.get(`${key}#set`);
      let mask: number;
      if (typeof r === 'number') mask = r;
      else {
        mask = 0;
        el.values.forEach((v, i) => {
          const unseen = this.o.seen && !this.o.seen.has(`${pattern}=${v}`);
          if (this.o.rng.chance(unseen ? 0.5 : (hint.setChance?.[v] ?? (hint.setDensity ?? 1.2) / el.values.length))) mask |= 1 << i;
        });
      }
      this.trace.set(`${key}#set`, mask);
      const out = el.values.filter((_, i) => mask & (1 << i));
      for (const v of out) this.structure.add(`${pattern}=${v}`);
      if (!out.length) this.structure.add(`${pattern}=[]`);
      return out.slice(0, node.max);
    }
    const lens = (hint.length ?? [])
      .map((ch) => ({ label: ch.label, value: ch.value(ctx) }))
      .filter((x): x is { label: string; value: number } => typeof x.value === 'number' && x.value >= node.min && x.value <= node.max);
    const r = this.o.replay?.get(`${key}#len`);
    let n: number;
    let label: string | undefined;
    const byLabel = typeof r === 'string' ? lens.find((l) => l.label === r) : undefined;
    if (byLabel) ({ value: n, label } = byLabel);
    else if (typeof r === 'number' && r >= node.min && r <= node.max) n = r;
    else {
      const unseen = this.o.seen ? lens.filter((l) => !this.o.seen!.has(`${pattern}#len=${l.label}`)) : [];
      const boundary = unseen.length ? this.o.rng.pick(unseen) : lens.length && this.o.rng.chance(0.2) ? this.o.rng.pick(lens) : undefined;
      // long arrays cost everywhere (the C, the model, the guest): a boundary length past 64 is taken once in a while
      if (boundary && (boundary.value <= 64 || unseen.length || this.o.rng.chance(0.15))) ({ value: n, label } = boundary);
      else {
        const [lo, hi] = hint.randomLength ?? [node.min, Math.min(node.max, node.min + 3)];
        n = this.o.rng.int(Math.max(lo, node.min), Math.min(hi, node.max));
      }
    }
    n = Math.min(n, LENGTH_CAP);
    // a boundary length is kept as its label: replayed elsewhere it means the same boundary
    this.trace.set(`${key}#len`, label ?? n);
    this.structure.add(`${pattern}#len=${label ?? lens.find((l) => l.value === n)?.label ?? 'random'}`);
    const out: unknown[] = [];
    const inArray = { ...ctx, siblings: out };
    for (let i = 0; i < n; i++) {
      const w = child(at, i);
      out.push(this.value(el, w, inArray, hintFor(w.pattern)));
    }
    return out;
  }

  /** A number (or a hinted value): a boundary label or a random value, recorded with the labels it could have taken. */
  private pick(node: SchemaNode, at: Where, ctx: SiteCtx, hint: Hint): unknown {
    const { key, pattern } = at;
    const cands = boundaryValues(node, ctx, hint);
    // every relational label is a level of the plan, also where it does not apply in this context: a row may make it apply
    const relational = new Set((hint.choices ?? []).filter((c) => !c.constant).map((c) => c.label));
    const labels = [...new Set([...(hint.choices ?? []).map((c) => c.label), ...cands.map((c) => c.label)])];
    this.sites.push({ key, pattern, parent: at.parent, labels, relates: hint.relates ?? [] });
    const r = this.o.replay?.get(key);
    let chosen: { label?: string; value: unknown } | undefined;
    if (typeof r === 'string') chosen = cands.find((c) => c.label === r);
    else if (typeof r === 'number' && node.kind === 'number' && accepts(node, r)) chosen = { value: r };
    if (!chosen) {
      const bias = this.o.boundaryBias < 1 ? this.o.boundaryBias * (hint.boundaryShare ?? 1) : 1;
      const boundary = cands.length > 0 && (this.o.rng.chance(bias) || node.kind !== 'number');
      // relational values (what the scenario holds) three times as likely as the field's bare range edges
      if (boundary) chosen = cands[this.o.rng.weighted(cands.map((c) => (relational.has(c.label) ? 3 : 1)))];
      else if (node.kind === 'number') {
        const v = hint.random?.(ctx, this.o.rng) ?? randomNumber(node, this.o.rng);
        chosen = accepts(node, v) ? { value: v } : cands.length ? this.o.rng.pick(cands) : { value: node.min };
      }
    }
    if (!chosen) {
      // a hinted value none of whose choices applies here: build it from its schema alone
      const plain: Hint = { ...hint };
      delete plain.choices;
      return this.value(node, at, ctx, plain);
    }
    if (chosen.label !== undefined) {
      this.trace.set(key, chosen.label);
      this.labels.set(key, chosen.label);
    } else this.trace.set(key, chosen.value as number);
    return chosen.value;
  }
}

/** The boundary values of a number (or hinted) site in this context: relational first, then the schema's edges and the unit's limits. */
export function boundaryValues(node: SchemaNode, ctx: SiteCtx, hint: Hint): { label: string; value: unknown }[] {
  const out: { label: string; value: unknown }[] = [];
  // relational labels are kept even where they coincide; a generic value already present adds no level
  const add = (label: string, value: unknown, generic = true) => {
    if (value === undefined || out.some((c) => c.label === label || (generic && c.value === value)) || !accepts(node, value)) return;
    if (generic && hint.edgeCap !== undefined && typeof value === 'number' && value > hint.edgeCap) return;
    out.push({ label, value });
  };
  for (const ch of hint.choices ?? []) add(ch.label, ch.value(ctx), false);
  if (node.kind !== 'number') return out;
  // named limits before bare bit widths: 256 is PEEK_MAX_IMPORT where the field counts ring entries
  for (const l of ctx.limits.filter((x) => x.unit === hint.unit)) {
    add(`${l.name}-1`, l.value - 1);
    add(l.name, l.value);
    add(`${l.name}+1`, l.value + 1);
  }
  if (!hint.noSchemaEdges) {
    add('min', node.min);
    add('min+1', node.min + 1);
    add('max-1', node.max - 1);
    add('max', node.max);
    if (!hint.choices) for (const w of BIT_EDGES) for (const d of [-1, 0, 1]) add(`2^${w}${d ? (d > 0 ? '+1' : '-1') : ''}`, 2 ** w + d);
  }
  return out;
}

function randomNumber(node: Extract<SchemaNode, { kind: 'number' }>, rng: Rng): number {
  const hi = Math.min(node.max, node.min + 2 ** 20);
  return rng.chance(0.9) ? rng.logInt(node.min, hi) : rng.logInt(node.min, node.max);
}

const orders = new Map<string, Field[]>();
/** Fields in schema order, each after the siblings its hint names (cached per pattern). */
function buildOrder(node: Extract<SchemaNode, { kind: 'object' }>, pattern: string): Field[] {
  const cacheKey = `${pattern}|${node.fields.map((f) => f.key).join(',')}`;
  let order = orders.get(cacheKey);
  if (order) return order;
  order = [];
  const pending = [...node.fields];
  while (pending.length) {
    const i = pending.findIndex((f) =>
      (hintFor(pattern ? `${pattern}.${f.key}` : f.key).after ?? []).every((a) => !pending.some((p) => p.key === a && p !== f)),
    );
    order.push(...pending.splice(i < 0 ? 0 : i, 1));
  }
  orders.set(cacheKey, order);
  return order;
}

const reach = new WeakMap<SchemaNode, Map<string, Set<string>>>();
/**
 * Every structure feature (union branch "p#name", enum or flag value "p=v")
 * reachable from a node at a pattern, except under fields the synthesizer
 * leaves out or draws from named values. What skeletons steer toward, and
 * what "the whole spec language" means in the tests.
 */
export function reachable(node: SchemaNode, pattern: string): Set<string> {
  let byPattern = reach.get(node);
  if (!byPattern) reach.set(node, (byPattern = new Map()));
  let out = byPattern.get(pattern);
  if (out) return out;
  out = new Set();
  byPattern.set(pattern, out); // recursion guard
  const hint = hintFor(pattern);
  if (pattern && ('fixed' in hint || hint.choices)) return out;
  switch (node.kind) {
    case 'object':
      for (const f of node.fields) for (const x of reachable(f.node, pattern ? `${pattern}.${f.key}` : f.key)) out.add(x);
      break;
    case 'union':
      branchNames(node).forEach((b, i) => {
        out.add(`${pattern}#${b}`);
        for (const x of reachable(node.options[i]!, pattern)) out.add(x);
      });
      break;
    case 'array':
      if (node.element.kind === 'enum') for (const v of node.element.values) out.add(`${pattern}=${v}`);
      else for (const x of reachable(node.element, `${pattern}[]`)) out.add(x);
      break;
    case 'enum':
      for (const v of node.values) out.add(`${pattern}=${v}`);
      break;
    default:
      break;
  }
  return out;
}
