// What the synthesizer knows about particular fields beyond their schema:
// the boundary values that depend on other fields (an offset at the end of the
// registered buffer it names, a len that crosses a page, a buffer group that
// exists or does not), which fields interact (combined pairwise), and which
// fields are annotations a generated scenario leaves out (pins, ids, titles).
// Fields not listed here are still generated, from their schema alone.
import { ABIS, abiRangeError, encodeRegbufAddr } from '../abi.ts';
import { PAGE_SIZE } from '../layout.ts';
import type { AbiName } from '../schema.ts';
import { indexEdges, offsetEdges, type Limit, type LimitUnit } from './limits.ts';
import type { Rng } from './rng.ts';

export type Obj = Record<string, unknown>;
export type PathSeg = string | number;

/** Where a value is being built: the scenario so far and the objects that enclose the value. */
export interface SiteCtx {
  root: Obj;
  /** Enclosing objects being built, outermost first; the last one is the value's parent. */
  ancestors: Obj[];
  limits: readonly Limit[];
  /** The elements built so far of the innermost array the value is in (earlier ring entries, earlier steps). */
  siblings?: readonly unknown[];
}

export interface Choice {
  label: string;
  /** A fixed value (a bit width's edge, a constant): drawn as rarely as the field's range edges. */
  constant?: boolean;
  /** The value in this context, or undefined where the choice does not apply. */
  value(ctx: SiteCtx): unknown;
}

export interface Hint {
  /** Not generated: an optional key is left out, a required one takes this value. */
  fixed?: unknown;
  /** Limits (limits.ts) of this unit are boundary values of the field. */
  unit?: LimitUnit;
  /** Boundary values that depend on the context (relational). */
  choices?: Choice[];
  /** A value in the field's useful range, for random (not boundary) draws. */
  random?: (ctx: SiteCtx, rng: Rng) => unknown;
  /** Patterns of other fields this one's boundaries depend on: the pairwise plan combines them. */
  relates?: string[];
  /** Probability an optional key is present (in this context). */
  present?: number | ((ctx: SiteCtx) => number);
  /** Weights of union branches, by branch name (schema-node.ts branchNames). */
  branches?: Record<string, number>;
  /**
   * An array element of a union: the chance it takes the previous element's branch (outside skeletons),
   * where runs of one kind are what the code under test loops over (a bundle over registered-buffer entries).
   */
  sameBranchAsSibling?: number;
  /** Boundary lengths of an array. */
  length?: Choice[];
  /** Typical length range of an array in random draws. */
  randomLength?: [number, number];
  /** A set of flags: how many of its values a random draw holds on average (default 1.2). */
  setDensity?: number;
  /** A set of flags: the chance of a value in a random draw, by value (setDensity spreads evenly over the others). */
  setChance?: Record<string, number>;
  /** Sibling keys to build before this one (their values are its context). */
  after?: string[];
  /** Leave out the schema's own min/max edges (waits: the scenario's timeout bounds them). */
  noSchemaEdges?: boolean;
  /**
   * Outside the boundary phase, boundary values are drawn at this fraction of
   * the usual rate (fields whose edges mostly fail: a ring entry sends only if
   * its index, offset and len are all inside).
   */
  boundaryShare?: number;
  /** Schema and bit-width edges above this are left out (memory the guest must fill or pin: see MEMORY_EDGE_CAP). */
  edgeCap?: number;
}

const c = (label: string, value: (ctx: SiteCtx) => unknown): Choice => ({ label, value });
const k = (label: string, v: number | string): Choice => ({ label, value: () => v, constant: true });
const parent = (ctx: SiteCtx): Obj => ctx.ancestors[ctx.ancestors.length - 1] ?? {};
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const pos = (v: number | undefined): number | undefined => (v === undefined || v < 0 ? undefined : v);

// ---- what the scenario built so far holds ------------------------------------

interface Reg {
  size: number;
  pageOffset: number;
}

/** The registered buffers of the scenario so far. */
export function regbufsOf(root: Obj): Reg[] {
  const r = root.registered_buffers as Obj | Obj[] | undefined;
  if (!r) return [];
  let regs = regCache.get(r);
  if (!regs) regCache.set(r, (regs = computeRegbufs(r)));
  return regs;
}
// registered_buffers is built before anything that reads it and not changed after
const regCache = new WeakMap<object, Reg[]>();

function computeRegbufs(r: Obj | Obj[]): Reg[] {
  const po = (p: unknown) => (p && typeof p === 'object' ? (num((p as Obj).page_offset) ?? 0) : 0);
  if (Array.isArray(r)) return r.map((x) => ({ size: num(x.size) ?? PAGE_SIZE, pageOffset: po(x.placement) }));
  return Array.from({ length: num(r.count) ?? 1 }, () => ({ size: num(r.size) ?? PAGE_SIZE, pageOffset: po(r.placement) }));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
export const ringsOf = (root: Obj): Obj[] => arr(root.buffer_rings);
export const classicsOf = (root: Obj): Obj[] => arr(root.provided_buffers);

/** The length of a ring or classic entry as the kernel sees it. */
function entryLen(e: Obj): number | undefined {
  const inner = (e.regbuf ?? e.plain ?? e.raw) as Obj | undefined;
  if (!inner) return num(e.size);
  return num(inner.len) ?? num(inner.size);
}

/** Lengths of the entries a buffer group holds at setup, in order. */
function groupLens(root: Obj, bgid: number | undefined): number[] {
  if (bgid === undefined) return [];
  const ring = ringsOf(root).find((r) => r.bgid === bgid);
  if (ring) return arr(ring.buffers).map((e) => entryLen(e) ?? 0);
  return classicsOf(root)
    .filter((p) => p.bgid === bgid)
    .flatMap((p) => (p.count !== undefined ? Array(num(p.count) ?? 1).fill(num(p.size) ?? 0) : [entryLen(p.regbuf as Obj) ?? 0]));
}

/**
 * The registered buffer a {index, offset, len} names: for an index past the table, the one its low 16 bits
 * name (what a u16 truncation reads), else the last one, so offsets stay meaningful.
 */
function namedReg(ctx: SiteCtx): Reg | undefined {
  const regs = regbufsOf(ctx.root);
  const i = num(parent(ctx).index) ?? 0;
  return regs[i] ?? regs[i % U16_SPAN] ?? regs[regs.length - 1];
}
/** 2^16: an index at or past it has low bits that may name a buffer of the table. */
const U16_SPAN = 1 << 16;

/**
 * The registered-buffer slice of the entry before this one in the same ring or
 * step list, when it names one inside the table and its buffer: where a
 * contiguous run of slices continues (three entries over one buffer are what a
 * FIXED_BUF bundle sends, and what grows the RFC's bvec array).
 */
function previousSlice(ctx: SiteCtx): Slice | undefined {
  const prev = ctx.siblings?.[ctx.siblings.length - 1] as Obj | undefined;
  return prev ? sendingSlice(ctx.root, prev) : undefined;
}
interface Slice {
  index: number;
  offset: number;
  len: number;
}
/** A ring entry's registered-buffer slice, when it is inside the table and its buffer (it sends). */
function sendingSlice(root: Obj, e: Obj): Slice | undefined {
  const r = e.regbuf as Obj | undefined;
  const [index, offset, len] = [num(r?.index), num(r?.offset), num(r?.len)];
  if (index === undefined || offset === undefined || !len) return undefined;
  const reg = regbufsOf(root)[index];
  return reg && offset + len <= reg.size ? { index, offset, len } : undefined;
}
/** What a FIXED_BUF bundle over the fullest ring sends: the bytes of its entries that send. */
const ringSendBytes = (root: Obj) =>
  Math.max(0, ...ringsOf(root).map((r) => sum(arr(r.buffers).map((e) => sendingSlice(root, e)?.len ?? 0))));

/** The end of the previous slice, where this entry names the same buffer and the slice left room. */
function afterPrevious(ctx: SiteCtx): number | undefined {
  const p = previousSlice(ctx);
  if (!p || num(parent(ctx).index) !== p.index) return undefined;
  const end = p.offset + p.len;
  return end < regbufsOf(ctx.root)[p.index]!.size ? end : undefined;
}

/** The next page boundary at or after byte `off` of a buffer placed `po` bytes into its page, in buffer offsets. */
const pageEnd = (po: number, off: number) => Math.floor((po + off) / PAGE_SIZE + 1) * PAGE_SIZE - po;

// ---- relational boundary values -----------------------------------------------

const regbufIndex: Choice[] = [
  k('first', 0),
  c('last', (ctx) => pos(regbufsOf(ctx.root).length - 1)),
  c('past-table', (ctx) => regbufsOf(ctx.root).length),
  ...indexEdges().map((e) => k(e.label, e.value)),
];

const regbufOffset: Choice[] = [
  k('0', 0),
  k('1', 1),
  c('last-byte', (ctx) => pos((namedReg(ctx)?.size ?? 0) - 1)),
  c('at-end', (ctx) => namedReg(ctx)?.size),
  c('past-end', (ctx) => (namedReg(ctx)?.size ?? 0) + 1),
  c('page-end-1', (ctx) => pos(pageEnd(namedReg(ctx)?.pageOffset ?? 0, 0) - 1)),
  c('page-end', (ctx) => pageEnd(namedReg(ctx)?.pageOffset ?? 0, 0)),
  c('page-end+1', (ctx) => pageEnd(namedReg(ctx)?.pageOffset ?? 0, 0) + 1),
  ...offsetEdges().map((e) => k(e.label, e.value)),
];

const regbufLen: Choice[] = [
  k('0', 0),
  k('1', 1),
  c('to-end', (ctx) => pos((namedReg(ctx)?.size ?? 0) - (num(parent(ctx).offset) ?? 0))),
  c('past-end', (ctx) => pos((namedReg(ctx)?.size ?? 0) - (num(parent(ctx).offset) ?? 0) + 1)),
  c('to-page-end', (ctx) => {
    const off = num(parent(ctx).offset) ?? 0;
    return pageEnd(namedReg(ctx)?.pageOffset ?? 0, off) - off;
  }),
  c('cross-page', (ctx) => {
    const off = num(parent(ctx).offset) ?? 0;
    return pageEnd(namedReg(ctx)?.pageOffset ?? 0, off) - off + 1;
  }),
];

/**
 * Mostly inside the table and the buffer (the paths that send), sometimes just
 * past; after a valid slice, often the slice that continues it.
 */
const regbufRandom = (field: 'index' | 'offset' | 'len') => (ctx: SiteCtx, rng: Rng) => {
  const regs = regbufsOf(ctx.root);
  const r = namedReg(ctx);
  const inside = rng.chance(0.9);
  const prev = previousSlice(ctx);
  if (field === 'index') {
    if (prev && rng.chance(0.6)) return prev.index;
    if (inside) return rng.int(0, Math.max(0, regs.length - 1));
    // past the table: just past it, or past 16 bits with low bits inside it (the ABIs' index fields are wider)
    return rng.chance(0.5) ? regs.length : U16_SPAN + rng.int(0, Math.max(0, regs.length - 1));
  }
  const size = r?.size ?? PAGE_SIZE;
  const next = field === 'offset' ? afterPrevious(ctx) : undefined;
  if (next !== undefined && rng.chance(0.6)) return next;
  if (field === 'offset') return inside ? rng.int(0, Math.max(0, size - 1)) : rng.int(size, size + PAGE_SIZE);
  const left = Math.max(1, size - (num(parent(ctx).offset) ?? 0));
  return inside ? rng.int(1, left) : rng.int(left, left + 64);
};

/** Buffer groups the scenario has: rings first, then classic groups. */
function groups(root: Obj): number[] {
  const ids = [...ringsOf(root).map((r) => r.bgid), ...classicsOf(root).map((p) => p.bgid)].filter(
    (b): b is number => typeof b === 'number',
  );
  return [...new Set(ids)];
}
const unusedGroup = (root: Obj) => {
  const used = new Set(groups(root));
  let g = 0;
  while (used.has(g)) g++;
  return g;
};

const opLen: Choice[] = [
  k('0', 0),
  k('1', 1),
  c('first-entry-1', (ctx) => pos((groupLens(ctx.root, num(parent(ctx).buf_group))[0] ?? 0) - 1)),
  c('first-entry', (ctx) => groupLens(ctx.root, num(parent(ctx).buf_group))[0]),
  c('first-entry+1', (ctx) => {
    const l = groupLens(ctx.root, num(parent(ctx).buf_group))[0];
    return l === undefined ? undefined : l + 1;
  }),
  c('all-entries', (ctx) => {
    const ls = groupLens(ctx.root, num(parent(ctx).buf_group));
    return ls.length ? ls.reduce((a, b) => a + b, 0) : undefined;
  }),
  c('source-size', (ctx) => num(((parent(ctx).source as Obj | undefined)?.plain as Obj | undefined)?.size)),
  c('source-to-end', (ctx) => {
    const src = (parent(ctx).source as Obj | undefined)?.regbuf as Obj | undefined;
    if (!src) return undefined;
    const r = regbufsOf(ctx.root)[num(src.index) ?? 0];
    return r ? pos(r.size - (num(src.offset) ?? 0)) : undefined;
  }),
  c('source-past-end', (ctx) => {
    const src = (parent(ctx).source as Obj | undefined)?.regbuf as Obj | undefined;
    if (!src) return undefined;
    const r = regbufsOf(ctx.root)[num(src.index) ?? 0];
    return r ? pos(r.size - (num(src.offset) ?? 0) + 1) : undefined;
  }),
  c('sndbuf', (ctx) => num((ctx.root.socket as Obj | undefined)?.sndbuf)),
];

const opRandom = (ctx: SiteCtx, rng: Rng) => {
  const p = parent(ctx);
  const size = num(((p.source as Obj | undefined)?.plain as Obj | undefined)?.size);
  if (size !== undefined) return rng.int(0, size);
  if (p.buf_group !== undefined && rng.chance(0.5)) return 0;
  return rng.logInt(0, 1 << 17);
};

/** A byte count: at and next to the limits, small values as likely as big ones otherwise. */
const bytes = (max = 1 << 17) => ({ unit: 'bytes' as const, random: (_: SiteCtx, rng: Rng) => rng.logInt(1, max) });
/**
 * Memory the guest fills or pins has no boundary past 1 MiB: the spec's 16 MiB limit (the loader's, tested
 * there) took a fifth of the generated scenarios and half the guest's time (~0.3 s each under TCG, 2026-11-28)
 * and reaches no kernel path a 1 MiB buffer does not (io_uring's own limit is 1 GiB a buffer).
 */
const MEMORY_EDGE_CAP = 1 << 20;
const memory = (max = 1 << 17) => ({ ...bytes(max), edgeCap: MEMORY_EDGE_CAP });
/**
 * A registered buffer: sizes spread evenly in log scale (half are under 512 bytes), and often tens of KiB,
 * where slices of it in a bundle outgrow a small send buffer (sock.waitall: 0 of 17 FIXED_BUF bundles over
 * two sending entries did with log-scale sizes alone, seed 1, 2026-11-28).
 */
const regbufSize: Hint = {
  ...memory(1 << 18),
  random: (_, rng) => (rng.chance(0.4) ? rng.int(1 << 14, 1 << 18) : rng.logInt(1, 1 << 18)),
};
const time: Hint = {
  // Waits are bounded by the scenario's timeout: the shortest waits are the boundary.
  noSchemaEdges: true,
  present: 1,
  choices: [k('min', 1), k('2', 2), k('10', 10)],
  random: (_, rng) => rng.int(1, 50),
};

const REGBUF_REF_RELATES = ['registered_buffers.size', 'registered_buffers[].size', 'registered_buffers.count', 'page_offset', 'abi'];

/**
 * Hints by path pattern (array indices as [], matched as a suffix of the
 * path at a segment boundary; the longest match wins).
 */
export const HINTS: Record<string, Hint> = {
  // annotations: a generated scenario states no pins and gets its id and title from the synthesizer
  id: { fixed: 'synth' },
  title: { fixed: 'generated by uringspec fuzz' },
  tags: { fixed: [] },
  timeout_ms: { fixed: undefined },
  expect: { fixed: undefined },

  'ring.entries': {
    unit: 'entries',
    random: (_, rng) => rng.pick([2, 4, 8, 16, 32]),
  },
  'ring.cq_entries': {
    present: 0.2,
    relates: ['ring.entries'],
    choices: [
      c('sq-1', (ctx) => num(parent(ctx).entries)! - 1),
      c('sq', (ctx) => parent(ctx).entries),
      c('2sq', (ctx) => num(parent(ctx).entries)! * 2),
    ],
    after: ['entries'],
  },
  // DEFER_TASKRUN without SINGLE_ISSUER, TASKRUN_FLAG without COOP: setup fails, nothing else runs
  'ring.flags': { setDensity: 0.6 },

  registered_buffers: { present: 0.85, branches: { array0: 1, count: 1 } },
  'registered_buffers.count': { random: (_, rng) => rng.int(1, 3) },
  'registered_buffers.size': regbufSize,
  'registered_buffers[].size': regbufSize,
  page_offset: { choices: [k('100', 100), k('half-page', PAGE_SIZE / 2)], random: (_, rng) => rng.int(0, PAGE_SIZE - 1) },
  placement: { branches: { page_aligned: 2, page_offset: 1 } },
  fill: { branches: { tagged: 6, byte: 1, seq: 1, text: 1 } },

  // most requests select buffers: a scenario mostly has a ring to select from
  buffer_rings: { present: 0.9, randomLength: [1, 2], length: [k('0', 0), k('1', 1), k('2', 2)] },
  'buffer_rings[].bgid': { choices: [k('0', 0), k('1', 1), k('2', 2), k('max', 0xffff)], random: (_, rng) => rng.int(0, 3) },
  'buffer_rings[].entries': { unit: 'entries', random: (_, rng) => rng.pick([1, 2, 4, 8, 16]) },
  'buffer_rings[].buffers': {
    // the schema's default is an empty ring: absent half the time (the builder's default) left 54% of the
    // rings empty (seed 1, 2026-11-28), and a ring with no entries only ever fails a select (length 0 covers it)
    present: 0.9,
    after: ['entries', 'abi'],
    randomLength: [1, 6],
    length: [k('0', 0), k('1', 1), c('entries-1', (ctx) => pos(num(parent(ctx).entries)! - 1)), c('entries', (ctx) => parent(ctx).entries)],
  },
  // a FIXED_BUF bundle sends a run of registered-buffer entries: with branches drawn alone, 3 of 136 such
  // bundles (seed 1, 2026-11-28) had two entries that send
  'buffers[]': { branches: { regbuf: 4, plain: 2, raw: 1 }, sameBranchAsSibling: 0.7 },
  'buffers[].bid': { present: 0.15, choices: [k('0', 0), k('1', 1), k('max', 0xffff)] },
  // the boundary phase takes every edge; afterwards a ring's entries mostly send (and so a bundle over them)
  'regbuf.index': { choices: regbufIndex, random: regbufRandom('index'), relates: ['registered_buffers.count'], boundaryShare: 0.3 },
  'regbuf.offset': { choices: regbufOffset, random: regbufRandom('offset'), relates: REGBUF_REF_RELATES, boundaryShare: 0.3 },
  'regbuf.len': { choices: regbufLen, random: regbufRandom('len'), relates: REGBUF_REF_RELATES, unit: 'bytes', boundaryShare: 0.3 },
  'plain.size': memory(),
  'plain.len': {
    present: 0.3,
    choices: [k('0', 0), k('1', 1), c('size-1', (ctx) => pos(num(parent(ctx).size)! - 1)), c('size', (ctx) => parent(ctx).size)],
    after: ['size'],
  },
  'raw.addr': { choices: rawAddr() },
  'raw.len': bytes(),

  provided_buffers: { randomLength: [0, 1], length: [k('0', 0), k('1', 1), k('2', 2)] },
  'provided_buffers[]': { branches: { count: 3, regbuf: 1 }, after: ['abi'] },
  'provided_buffers[].bgid': { choices: [k('0', 0), k('1', 1), k('2', 2), k('max', 0xffff)], random: (_, rng) => rng.int(0, 3) },
  'provided_buffers[].count': { unit: 'entries', random: (_, rng) => rng.int(1, 4) },
  'provided_buffers[].start_bid': {
    after: ['count'],
    choices: [k('0', 0), c('last-fit', (ctx) => 0x10000 - num(parent(ctx).count)!)],
    random: (_, rng) => rng.int(0, 8),
  },
  'provided_buffers[].size': memory(),
  'provided_buffers[].bid': { choices: [k('0', 0), k('max', 0xffff)] },
  'provided_buffers[].regbuf': { after: ['abi'] },

  // the socket's options are where sends go short: absent half the time (the builder's default for a key with
  // a default), a small SO_SNDBUF on a blocking stream under a FIXED_BUF bundle was 1 in 1200 (2026-11-28)
  socket: { present: 0.8 },
  // a small send buffer is where sends go short (the retry rules of MSG_WAITALL and bundles)
  'socket.sndbuf': {
    // most where a ring holds registered-buffer entries: a FIXED_BUF bundle over them can outgrow the socket
    present: (ctx) => (ringsOf(ctx.root).some((r) => arr(r.buffers).some((e) => e.regbuf)) ? 0.5 : 0.2),
    ...bytes(1 << 20),
    // a quarter of what a FIXED_BUF bundle over the fullest ring sends (its entries that send): the send
    // cannot complete at once
    choices: [c('ring-bytes/4', (ctx) => Math.max(1024, Math.floor(ringSendBytes(ctx.root) / 4)))],
    // in random draws too, often below what that bundle sends (sock.waitall: the bundle must wait for room)
    random: (ctx, rng) => {
      const total = ringSendBytes(ctx.root);
      return total > 2048 && rng.chance(0.5) ? rng.int(1024, Math.floor(total / 2)) : rng.logInt(1, 1 << 20);
    },
  },
  'socket.rcvbuf': { present: 0.1, ...bytes(1 << 20) },
  'socket.type': {},

  steps: {
    randomLength: [1, 6],
    length: [k('1', 1), k('2', 2), k('3', 3)],
    // datagram queue limits count requests
    unit: 'datagrams',
  },
  'steps[]': { branches: { send_zc: 5, send: 3, wait: 1, submit: 1, peer_recv: 1, peer_drain: 1, ring_add: 1 } },
  // FIXED_BUF is what the RFC is about, bundles its second half
  'send_zc.flags': { present: 0.9, setChance: { FIXED_BUF: 0.7, BUNDLE: 0.45, REPORT_USAGE: 0.2, POLL_FIRST: 0.15 } },
  'send_zc.len': {
    choices: opLen,
    random: opRandom,
    unit: 'bytes',
    after: ['buf_group', 'source', 'flags', 'buf_index'],
    relates: OPLEN_RELATES(),
  },
  'send.len': { choices: opLen, random: opRandom, unit: 'bytes', after: ['buf_group', 'source', 'flags'], relates: OPLEN_RELATES() },
  buf_group: {
    present: 0.6,
    choices: [...[0, 1, 2, 3].map((i) => c(`group${i}`, (ctx) => groups(ctx.root)[i])), c('missing', (ctx) => unusedGroup(ctx.root))],
    random: (ctx, rng) => (groups(ctx.root).length && rng.chance(0.95) ? rng.pick(groups(ctx.root)) : unusedGroup(ctx.root)),
  },
  source: { present: 0.5, branches: { regbuf: 1, plain: 1 } },
  'source.regbuf.index': {
    choices: [k('first', 0), c('last', (ctx) => pos(regbufsOf(ctx.root).length - 1)), c('past-table', (ctx) => regbufsOf(ctx.root).length)],
    random: (ctx, rng) => rng.int(0, regbufsOf(ctx.root).length),
  },
  'source.regbuf.offset': {
    choices: [
      k('0', 0),
      c('last-byte', (ctx) => pos((regbufsOf(ctx.root)[num(parent(ctx).index)!]?.size ?? 0) - 1)),
      c('at-end', (ctx) => regbufsOf(ctx.root)[num(parent(ctx).index)!]?.size),
      c('page-end', (ctx) => pageEnd(regbufsOf(ctx.root)[num(parent(ctx).index)!]?.pageOffset ?? 0, 0)),
    ],
    random: (ctx, rng) => rng.int(0, regbufsOf(ctx.root)[num(parent(ctx).index)!]?.size ?? PAGE_SIZE),
    relates: REGBUF_REF_RELATES,
  },
  'source.plain.size': memory(),
  buf_index: {
    present: 0.15,
    choices: [k('first', 0), c('last', (ctx) => pos(regbufsOf(ctx.root).length - 1)), c('past-table', (ctx) => regbufsOf(ctx.root).length)],
  },
  user_data: { present: 0.1 },
  // MSG_MORE holds bytes back (no oracle); links and drains order completions: a few, not most
  msg_flags: { setDensity: 0.5 },
  sqe_flags: { setDensity: 0.4 },
  'wait.cqes': { choices: [k('1', 1), k('2', 2), k('3', 3)], random: (_, rng) => rng.int(1, 4) },
  'wait.timeout_ms': time,
  'peer_recv.timeout_ms': time,
  'peer_recv.len': bytes(),
  'ring_add.bgid': {
    choices: [0, 1, 2, 3].map((i) => c(`ring${i}`, (ctx) => ringsOf(ctx.root)[i]?.bgid)),
    random: (ctx, rng) => (ringsOf(ctx.root).length ? rng.pick(ringsOf(ctx.root)).bgid : 0),
  },
  'ring_add.buffers': {
    randomLength: [1, 3],
    length: [k('1', 1), c('ring-entries', (ctx) => ringsOf(ctx.root).find((r) => r.bgid === parent(ctx).bgid)?.entries)],
  },
  'fill.text': {},
};

/**
 * Verbatim addrs: {index, offset} encoded with each ABI (abi.ts), so a kernel
 * decoding the other split sees other values, and addresses no program maps.
 */
function rawAddr(): Choice[] {
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const out: Choice[] = [
    k('null', 0),
    k('user-page', 0x400000),
    c('kernel', () => '0xffffffff81000000'),
    c('noncanonical', () => hex(1n << 63n)),
  ];
  const index: [string, (ctx: SiteCtx) => number | undefined][] = [
    ['first', () => 0],
    ['1', () => 1],
    ['past-table', (ctx) => regbufsOf(ctx.root).length],
    ['2^16', () => 1 << 16],
  ];
  const offset: [string, (ctx: SiteCtx) => number | undefined][] = [
    ['0', () => 0],
    ['1', () => 1],
    ['page-end', (ctx) => pageEnd(regbufsOf(ctx.root)[0]?.pageOffset ?? 0, 0)],
  ];
  for (const abi of Object.keys(ABIS) as AbiName[])
    for (const [il, iv] of index)
      for (const [ol, ov] of offset)
        out.push(
          c(`${abi}:${il}@${ol}`, (ctx) => {
            const i = iv(ctx);
            const o = ov(ctx);
            return i === undefined || o === undefined || abiRangeError(abi, i, o) ? undefined : hex(encodeRegbufAddr(abi, i, o));
          }),
        );
  return out;
}

function OPLEN_RELATES(): string[] {
  return ['buffers[].regbuf.len', 'plain.size', 'plain.len', 'source.plain.size', 'source.regbuf.offset', 'socket.sndbuf', 'socket.type'];
}

/** The hint whose pattern is the longest suffix of `pattern` at a segment boundary. */
export function hintFor(pattern: string): Hint {
  let h = hintCache.get(pattern);
  if (!h) hintCache.set(pattern, (h = lookupHint(pattern)));
  return h;
}
const hintCache = new Map<string, Hint>();

function lookupHint(pattern: string): Hint {
  let best: Hint | undefined;
  let bestLen = -1;
  for (const [p, h] of Object.entries(HINTS)) {
    if (p.length > bestLen && (pattern === p || pattern.endsWith(`.${p}`))) {
      best = h;
      bestLen = p.length;
    }
  }
  return best ?? {};
}
