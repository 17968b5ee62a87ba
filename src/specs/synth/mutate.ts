// Mutations work on traces (builder.ts), not on scenarios: change one
// decision (a number to another boundary label or a fresh value, a flag in or
// out, a branch, a length, an optional key) or splice the steps of two
// traces, then rebuild. Decisions the change makes stale are simply not
// asked for; decisions it needs anew are drawn afresh. A spliced step that
// names "group0" or "the last registered buffer" names it in the scenario it
// lands in, so steps keep their meaning across scenarios.
import type { Decision, NumberSite, Trace } from './builder.ts';
import type { Rng } from './rng.ts';

export interface Parent {
  trace: Trace;
  sites: readonly NumberSite[];
}

export interface Mutation {
  trace: Map<string, Decision>;
  /** What changed, for the log and the finding's header. */
  change: string;
}

const STEP = /^steps\[(\d+)\]/;
/** The number of steps a trace builds (a length kept as a boundary label counts as unknown: 1). */
const stepsLen = (t: Trace) => {
  const d = t.get('steps#len');
  return typeof d === 'number' ? d : 1;
};

/** One decision changed. */
export function mutateOne(p: Parent, rng: Rng): Mutation {
  const trace = new Map(p.trace);
  const keys = [...trace.keys()];
  const kind = rng.weighted([5, 3, 1, 1]);
  if (kind === 0 && p.sites.length) {
    const s = rng.pick(p.sites);
    const others = s.labels.filter((l) => l !== trace.get(s.key));
    if (others.length && rng.chance(0.7)) {
      const l = rng.pick(others);
      trace.set(s.key, l);
      return { trace, change: `${s.key} = ${l}` };
    }
    trace.delete(s.key);
    return { trace, change: `${s.key} redrawn` };
  }
  if (kind === 2) return insertStep(trace, rng);
  // one step is the fewest: grow it instead of running the parent again
  if (kind === 3) return stepsLen(trace) > 1 ? dropStep(trace, rng) : insertStep(trace, rng);
  const structural = keys.filter((k) => /#(branch|has|len|set)$/.test(k) || typeof trace.get(k) === 'number');
  if (!structural.length) return { trace, change: 'nothing to change' };
  const key = rng.pick(structural);
  const d = trace.get(key)!;
  if (key.endsWith('#has')) trace.set(key, d === 1 ? 0 : 1);
  else if (key.endsWith('#set')) trace.set(key, (d as number) ^ (1 << rng.int(0, 7)));
  // an empty array grows (shrinking it would change nothing)
  else if (key.endsWith('#len') && typeof d === 'number') trace.set(key, d === 0 ? 1 : d + rng.pick([-1, 1, 1]));
  else trace.delete(key);
  return { trace, change: `${key} changed` };
}

/** The steps of a from its first `i`, then b's from its `j`-th on. */
export function splice(a: Trace, b: Trace, rng: Rng): Mutation {
  const la = stepsLen(a);
  const lb = stepsLen(b);
  const i = rng.int(0, la);
  const j = rng.int(0, Math.max(0, lb - 1));
  const n = Math.min(256, i + (lb - j));
  const trace = new Map<string, Decision>();
  for (const [k, v] of a) {
    const m = STEP.exec(k);
    if (!m || Number(m[1]) < i) trace.set(k, v);
  }
  for (const [k, v] of b) {
    const m = STEP.exec(k);
    if (!m || Number(m[1]) < j) continue;
    const to = Number(m[1]) - j + i;
    if (to < 256) trace.set(k.replace(STEP, `steps[${to}]`), v);
  }
  trace.set('steps#len', Math.max(1, n));
  return { trace, change: `splice steps 1..${i} + ${j + 1}..${lb} of another` };
}

function renumber(t: Map<string, Decision>, from: number, by: number): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const [k, v] of t) {
    const m = STEP.exec(k);
    const at = m ? Number(m[1]) : -1;
    if (m && at >= from) {
      if (by < 0 && at === from) continue;
      out.set(k.replace(STEP, `steps[${at + by}]`), v);
    } else out.set(k, v);
  }
  return out;
}

function insertStep(t: Map<string, Decision>, rng: Rng): Mutation {
  const n = stepsLen(t);
  if (n >= 256) return dropStep(t, rng);
  const at = rng.int(0, n);
  const trace = renumber(t, at, 1);
  trace.set('steps#len', n + 1);
  return { trace, change: `new step ${at + 1}` };
}

function dropStep(t: Map<string, Decision>, rng: Rng): Mutation {
  const n = stepsLen(t);
  const at = rng.int(0, n - 1);
  const trace = renumber(t, at, -1);
  trace.set('steps#len', n - 1);
  return { trace, change: `step ${at + 1} dropped` };
}
