// The kernel-side state a scenario builds: registered buffers, provided-buffer
// rings (with their head) and classic provided-buffer groups, as the model
// tracks them while it walks the steps.
import { encodeRegbufAddr } from '../specs/abi.ts';
import { layoutOf, ringAddsOf, type BufferDesc, type Layout, type RingEntryDesc } from '../specs/layout.ts';
import type { Scenario } from '../specs/schema.ts';
import { unpredictable } from './unpredictable.ts';

export interface RingState {
  bgid: number;
  size: number;
  /** Every entry ever added, in ring order; position i lives at ring slot i & (size - 1). */
  entries: RingEntryDesc[];
  /** Current length of each entry: the kernel truncates an entry in place when a cap cuts it. */
  lens: number[];
  head: number;
}

/** Where a classic provided buffer points. */
export type ClassicTarget = { kind: 'plain'; buffer: BufferDesc; offset: number } | { kind: 'addr'; addr: bigint };

export interface ClassicBuf {
  bid: number;
  len: number;
  target: ClassicTarget;
}

export class KernelState {
  readonly layout: Layout;
  readonly rings = new Map<number, RingState>();
  readonly classic = new Map<number, ClassicBuf[]>();
  private readonly adds: ReturnType<typeof ringAddsOf>;

  constructor(readonly sc: Scenario) {
    this.layout = layoutOf(sc);
    this.adds = ringAddsOf(sc);
    for (const r of sc.buffer_rings) {
      this.rings.set(r.bgid, { bgid: r.bgid, size: r.entries, entries: [], lens: [], head: 0 });
      this.addToRing(r.bgid, 0);
    }
    sc.provided_buffers.forEach((p, index) => {
      const list = this.classic.get(p.bgid) ?? [];
      this.classic.set(p.bgid, list);
      if ('count' in p) {
        const buffer = this.layout.buffers.find((b) => b.role.kind === 'classic' && b.role.index === index)!;
        for (let k = 0; k < p.count; k++)
          list.push({ bid: (p.start_bid + k) & 0xffff, len: p.size, target: { kind: 'plain', buffer, offset: k * p.size } });
      } else {
        list.push({
          bid: p.bid,
          len: p.regbuf.len,
          target: { kind: 'addr', addr: encodeRegbufAddr(p.abi, p.regbuf.index, p.regbuf.offset) },
        });
      }
    });
  }

  /** Applies the entries added at `step` (0 = setup) to ring bgid. */
  addToRing(bgid: number, step: number): void {
    const ring = this.rings.get(bgid)!;
    const add = this.adds.find((a) => a.bgid === bgid && a.step === step);
    if (!add) return;
    const inUse = ring.entries.length - ring.head;
    // io_uring_buf_ring_add past the free slots overwrites entries the kernel has not consumed yet.
    if (inUse + add.entries.length > ring.size)
      unpredictable(`ring ${bgid}: adding ${add.entries.length} entries to ${inUse} unconsumed overflows its ${ring.size} slots`);
    for (const e of add.entries) {
      ring.entries.push(e);
      ring.lens.push(e.len);
    }
  }

  regbuf(index: number): BufferDesc | undefined {
    return this.layout.regbufs[index];
  }
}
