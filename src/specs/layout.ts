// The memory a scenario allocates, derived from the spec alone: every buffer
// with a stable name, a tag (seed of its fill) and its size. The generator
// allocates exactly these; the model and the comparator rebuild their bytes to
// predict and trace what the peer receives.
import { encodeRegbufAddr } from './abi.ts';
import type { Fill, Scenario } from './schema.ts';

/** The page the C runtime places every buffer in (uspec_alloc; placement.page_offset is within one). */
export const PAGE_SIZE = 4096;

export type BufferRole =
  | { kind: 'regbuf'; index: number }
  | { kind: 'ring-plain'; bgid: number; entry: number; step?: number }
  | { kind: 'classic'; index: number; bgid: number; startBid: number; count: number; size: number }
  | { kind: 'source'; step: number };

export interface BufferDesc {
  /** Human name used in reports: "regbuf[1]", "ring 1 entry 3", "classic group 2", "step 4 source". */
  name: string;
  /** C identifier-safe variable suffix. */
  cname: string;
  role: BufferRole;
  tag: number;
  size: number;
  pageOffset: number;
  fill: Fill;
}

export interface Layout {
  regbufs: BufferDesc[];
  buffers: BufferDesc[];
}

// A scenario's layout and ring adds are derived once and shared by every
// stage (generator, model, judge): scenarios are never mutated after loading
// (minimizer candidates are fresh clones), so the cache is keyed by identity.
const layouts = new WeakMap<Scenario, Layout>();
const adds = new WeakMap<Scenario, RingAdd[]>();

/** Every buffer a scenario allocates, with its C name, size, placement and fill. Computed once per scenario. */
export function layoutOf(sc: Scenario): Layout {
  let l = layouts.get(sc);
  if (!l) layouts.set(sc, (l = computeLayout(sc)));
  return l;
}

/** Every batch of entries added to a ring, with default bids filled in. Computed once per scenario. */
export function ringAddsOf(sc: Scenario): RingAdd[] {
  let a = adds.get(sc);
  if (!a) adds.set(sc, (a = computeRingAdds(sc, layoutOf(sc))));
  return a;
}

function computeLayout(sc: Scenario): Layout {
  const buffers: BufferDesc[] = [];
  let tag = 1;
  const add = (d: Omit<BufferDesc, 'tag'>) => {
    const b = { ...d, tag: tag++ };
    buffers.push(b);
    return b;
  };
  const regs = sc.registered_buffers;
  const regList = !regs
    ? []
    : Array.isArray(regs)
      ? regs
      : Array.from({ length: regs.count }, () => ({ size: regs.size, placement: regs.placement, fill: regs.fill }));
  const regbufs = regList.map((r, i) =>
    add({
      name: `regbuf[${i}]`,
      cname: `reg${i}`,
      role: { kind: 'regbuf', index: i },
      size: r.size,
      pageOffset: r.placement === 'page_aligned' ? 0 : r.placement.page_offset,
      fill: r.fill,
    }),
  );
  sc.buffer_rings.forEach((ring) =>
    ring.buffers.forEach((e, j) => {
      if ('plain' in e)
        add({
          name: `ring ${ring.bgid} entry ${j}`,
          cname: `ring${ring.bgid}_e${j}`,
          role: { kind: 'ring-plain', bgid: ring.bgid, entry: j },
          size: e.plain.size,
          pageOffset: 0,
          fill: e.plain.fill,
        });
    }),
  );
  // Each classic provide gets its own memory, also when several go into one group.
  sc.provided_buffers.forEach((p, index) => {
    const again = sc.provided_buffers.slice(0, index).filter((q) => q.bgid === p.bgid && 'count' in q).length;
    if ('count' in p)
      add({
        name: `classic group ${p.bgid}${again ? ` #${again + 1}` : ''}`,
        cname: `classic${index}`,
        role: { kind: 'classic', index, bgid: p.bgid, startBid: p.start_bid, count: p.count, size: p.size },
        size: p.count * p.size,
        pageOffset: 0,
        fill: p.fill,
      });
  });
  sc.steps.forEach((st, i) => {
    const op = 'send_zc' in st ? st.send_zc : 'send' in st ? st.send : undefined;
    if (op?.source && 'plain' in op.source)
      add({
        name: `step ${i + 1} source`,
        cname: `src${i + 1}`,
        role: { kind: 'source', step: i + 1 },
        size: op.source.plain.size,
        pageOffset: 0,
        fill: op.source.plain.fill,
      });
    if ('ring_add' in st)
      st.ring_add.buffers.forEach((e, j) => {
        if ('plain' in e)
          add({
            name: `step ${i + 1} ring ${st.ring_add.bgid} entry ${j}`,
            cname: `add${i + 1}_e${j}`,
            role: { kind: 'ring-plain', bgid: st.ring_add.bgid, entry: j, step: i + 1 },
            size: e.plain.size,
            pageOffset: 0,
            fill: e.plain.fill,
          });
      });
  });
  return { regbufs, buffers };
}

/** Where a provided-ring entry points, resolved from the spec. */
export type EntryTarget =
  { kind: 'regbuf'; index: number; offset: number; addr: bigint } | { kind: 'plain'; buffer: BufferDesc } | { kind: 'raw'; addr: bigint };

export interface RingEntryDesc {
  bid: number;
  len: number;
  target: EntryTarget;
}

/** Every batch of entries added to a ring: at setup (step 0) and by ring_add steps, with default bids filled in. */
export interface RingAdd {
  bgid: number;
  step: number;
  entries: RingEntryDesc[];
}

function computeRingAdds(sc: Scenario, layout: Layout): RingAdd[] {
  const added = new Map<number, number>();
  const adds: RingAdd[] = [];
  const resolve = (bgid: number, step: number, list: Scenario['buffer_rings'][number]['buffers']) => {
    const ring = sc.buffer_rings.find((r) => r.bgid === bgid)!;
    const entries = list.map((e, j): RingEntryDesc => {
      const bid = e.bid ?? (added.get(bgid) ?? 0) + j;
      if ('regbuf' in e)
        return {
          bid: bid & 0xffff,
          len: e.regbuf.len,
          target: {
            kind: 'regbuf',
            index: e.regbuf.index,
            offset: e.regbuf.offset,
            addr: encodeRegbufAddr(ring.abi, e.regbuf.index, e.regbuf.offset),
          },
        };
      if ('raw' in e) return { bid: bid & 0xffff, len: e.raw.len, target: { kind: 'raw', addr: BigInt(e.raw.addr) } };
      const buffer = layout.buffers.find(
        (b) => b.role.kind === 'ring-plain' && b.role.bgid === bgid && b.role.entry === j && b.role.step === (step || undefined),
      )!;
      return { bid: bid & 0xffff, len: e.plain.len ?? e.plain.size, target: { kind: 'plain', buffer } };
    });
    added.set(bgid, (added.get(bgid) ?? 0) + list.length);
    adds.push({ bgid, step, entries });
  };
  for (const r of sc.buffer_rings) resolve(r.bgid, 0, r.buffers);
  sc.steps.forEach((st, i) => {
    if ('ring_add' in st) resolve(st.ring_add.bgid, i + 1, st.ring_add.buffers);
  });
  return adds;
}
