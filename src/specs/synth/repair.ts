// Makes a built scenario valid: the schema's defaults applied, then each
// cross-field rule (specs/rules.ts) a candidate breaks repaired at the path
// the rule names, keeping the boundary the builder aimed at where it can (an
// ABI-overflowing index becomes the last encodable one, a ring overfull by
// buffers keeps as many as fit). What no repair knows is dropped (an optional
// key, or the array element it sits in). The result goes through
// validScenario() like any scenario built by code.
import { ABIS } from '../abi.ts';
import { validScenario } from '../memory.ts';
import { crossFieldRules, MAX_SCENARIO_BYTES, type RuleError } from '../rules.ts';
import { Scenario, type AbiName } from '../schema.ts';
import type { Obj, PathSeg } from './sites.ts';

const MAX_ROUNDS = 64;

export interface Repaired {
  scenario?: Scenario;
  /** Rule messages repaired, or why the candidate was dropped. */
  repairs: string[];
}

export function repairScenario(candidate: unknown): Repaired {
  const parsed = Scenario.safeParse(candidate);
  if (!parsed.success)
    return { repairs: [`schema: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.')}`] };
  const sc = structuredClone(parsed.data) as unknown as Obj;
  const repairs: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const errors = crossFieldRules({ version: 1, scenarios: [sc as unknown as Scenario] });
    if (!errors.length) {
      const valid = validScenario(sc);
      return valid ? { scenario: valid, repairs } : { repairs: [...repairs, 'invalid after repair'] };
    }
    // one error at a time: a repair may settle others
    const e = errors[0]!;
    const path = e.path.slice(2); // after ['scenarios', 0]
    repairs.push(e.message.replace(/\d+/g, 'N'));
    if (!fix(sc, path, e)) return { repairs: [...repairs, `no repair for: ${e.message}`] };
  }
  return { repairs: [...repairs, 'too many repairs'] };
}

function at(root: Obj, path: readonly PathSeg[]): unknown {
  let v: unknown = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<PathSeg, unknown>)[p] : undefined;
  return v;
}

function fix(sc: Obj, path: PathSeg[], e: RuleError): boolean {
  const last = path[path.length - 1];
  const parentPath = path.slice(0, -1);
  const parent = at(sc, parentPath) as Obj | undefined;
  const m = e.message;
  if (/is used by both|is registered twice/.test(m) && parent) {
    const used = new Set([...(sc.buffer_rings as Obj[]), ...(sc.provided_buffers as Obj[])].map((g) => g.bgid as number));
    let g = 0;
    while (used.has(g)) g++;
    parent.bgid = g;
    return true;
  }
  if (/buffers do not fit a ring/.test(m) && parent) {
    (parent.buffers as unknown[]).length = parent.entries as number;
    return true;
  }
  if (/does not fit the (\d+)-bit (index|offset) field of ABI (\S+)/.test(m)) {
    const [, bits, field, abi] = /does not fit the (\d+)-bit (index|offset) field of ABI (\S+)/.exec(m)!;
    const ref = at(sc, path) as Obj;
    if (!ABIS[abi as AbiName]) return false;
    // the last value the field encodes
    ref[field!] = Math.min(2 ** Number(bits) - 1, Number.MAX_SAFE_INTEGER);
    return true;
  }
  if (/go past 65535/.test(m) && parent) {
    parent.count = 0x10000 - (parent.start_bid as number);
    return true;
  }
  if (/no buffer ring with bgid/.test(m)) {
    const rings = sc.buffer_rings as Obj[];
    const op = at(sc, parentPath) as Obj;
    if (rings.length) op.bgid = rings[0]!.bgid;
    else (sc.steps as unknown[])[path[1] as number] = { submit: {} };
    return true;
  }
  if (/is already used by step/.test(m) && parent) {
    delete parent.user_data;
    return true;
  }
  if (/either from buf_group/.test(m) && parent) {
    delete parent.source;
    return true;
  }
  if (/is larger than the plain source/.test(m) && parent) {
    parent.len = ((parent.source as Obj).plain as Obj).size;
    return true;
  }
  if (/needs FIXED_BUF/.test(m) && parent) {
    (parent.flags as string[]).push('FIXED_BUF');
    return true;
  }
  if (/buf_index and buf_group/.test(m) && parent) {
    delete parent.buf_index;
    return true;
  }
  if (/requests queued before the next submit/.test(m) && typeof last === 'number') {
    // a submit before every request that would not fit
    const steps = sc.steps as Obj[];
    const entries = (sc.ring as Obj).entries as number;
    let queued = 0;
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i]!;
      if (st.send || st.send_zc) {
        if (queued === entries) {
          if (steps.length >= 256) return removeStep(sc, ['steps', i]);
          steps.splice(i, 0, { submit: {} });
          queued = 0;
          continue;
        }
        queued++;
      }
      if (st.wait || st.submit || st.peer_recv || st.peer_drain) queued = 0;
    }
    return true;
  }
  if (/scenario allocates/.test(m)) return shrink(sc);
  return drop(sc, path);
}

function removeStep(sc: Obj, path: PathSeg[]): boolean {
  const steps = sc.steps as unknown[];
  if (path[0] !== 'steps' || typeof path[1] !== 'number' || steps.length <= 1) return false;
  steps.splice(path[1], 1);
  return true;
}

/** Halves the largest allocation until the scenario fits MAX_SCENARIO_BYTES (checked again by the caller). */
function shrink(sc: Obj): boolean {
  const sized: Obj[] = [];
  const regs = sc.registered_buffers as Obj | Obj[] | undefined;
  if (regs) sized.push(...(Array.isArray(regs) ? regs : [regs]));
  for (const r of sc.buffer_rings as Obj[]) for (const b of r.buffers as Obj[]) if (b.plain) sized.push(b.plain as Obj);
  for (const p of sc.provided_buffers as Obj[]) if (p.size !== undefined) sized.push(p);
  for (const st of sc.steps as Obj[]) {
    const op = (st.send_zc ?? st.send) as Obj | undefined;
    const plain = (op?.source as Obj | undefined)?.plain as Obj | undefined;
    if (plain) sized.push(plain);
    const add = st.ring_add as Obj | undefined;
    if (add) for (const b of add.buffers as Obj[]) if (b.plain) sized.push(b.plain as Obj);
  }
  const weight = (o: Obj) => (o.size as number) * ((o.count as number | undefined) ?? 1);
  const big = sized.sort((a, b) => weight(b) - weight(a))[0];
  if (!big || weight(big) * 2 < MAX_SCENARIO_BYTES / 64) return false;
  big.size = Math.max(1, Math.floor((big.size as number) / 2));
  return true;
}

/** What no repair knows: drop the offending optional key, or the array element around it. */
function drop(sc: Obj, path: PathSeg[]): boolean {
  for (let i = path.length; i > 0; i--) {
    const seg = path[i - 1]!;
    const container = at(sc, path.slice(0, i - 1));
    if (typeof seg === 'number' && Array.isArray(container) && container.length > 1) {
      container.splice(seg, 1);
      return true;
    }
    if (typeof seg === 'string' && container && typeof container === 'object' && !Array.isArray(container)) {
      const probe = structuredClone(sc);
      delete (at(probe, path.slice(0, i - 1)) as Obj)[seg];
      if (Scenario.safeParse(probe).success) {
        delete (container as Obj)[seg];
        return true;
      }
    }
  }
  return false;
}
