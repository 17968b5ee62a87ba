// Picking provided buffers for a send: which entries, how many bytes of each,
// and where those bytes live (user memory, or a registered buffer named by an
// encoded addr when FIXED_BUF is set).
import { ABIS } from '../specs/abi.ts';
import type { AbiName } from '../specs/schema.ts';
import { E } from './errno.ts';
import { PEEK_MAX_IMPORT, UIO_MAXIOV, USER_PTR_MAX } from './limits.ts';
import type { ByteSource } from './prediction.ts';
import type { RuleId } from './rules.ts';
import type { Semantics } from './profiles.ts';
import type { SocketModel } from './socket.ts';
import type { ClassicTarget, KernelState, RingState } from './state.ts';
import { unpredictable } from './unpredictable.ts';
import type { RingEntryDesc } from '../specs/layout.ts';

const INT_MAX = 0x7fffffff;

export type Failure = { err: number; rule: RuleId };

/** Where one picked buffer's bytes are: known bytes, an address that maps nothing, or a mapping error. */
export type Memory = { ok: ByteSource } | { fault: RuleId } | Failure;

export interface PickedBuf {
  bid: number;
  len: number;
  /** Where the entry points, before it is resolved as user memory or as a registered buffer. */
  target: RingEntryDesc['target'] | ClassicTarget;
}

export interface Selection {
  from: 'ring' | 'classic';
  bgid: number;
  picked: PickedBuf[];
  /** The kernel's REQ_F_BL_EMPTY after this pick (send bundle rounds stop on it). */
  emptyAfter: boolean;
  rules: RuleId[];
}

/**
 * Picks buffers the way io_buffers_select does (ring: io_ring_buffers_peek;
 * classic: io_provided_buffer_select). Ring entries are committed here: the
 * caller undoes that (rollback) where the intended semantics say so.
 */
export function select(st: KernelState, sem: Semantics, bgid: number, cap: number, bundle: boolean): Selection | Failure {
  const ring = st.rings.get(bgid);
  if (ring) return selectRing(ring, sem, cap, bundle);
  const list = st.classic.get(bgid);
  if (!list) return { err: E('ENOENT'), rule: 'kbuf.no-group' };
  const b = list.shift();
  if (!b) return { err: E('ENOBUFS'), rule: 'kbuf.empty' };
  // Sends select through io_buffers_select, which hands the classic path
  // &arg->out_len (still 0) as the length: sqe len does not cap a classic
  // buffer on send. Long-standing (6.12 and 6.18 behave the same), not the RFC's.
  return {
    from: 'classic',
    bgid,
    picked: [{ bid: b.bid, len: b.len, target: b.target }],
    emptyAfter: list.length === 0,
    rules: ['kbuf.classic-fifo', 'kbuf.classic-send-no-cap'],
  };
}

function selectRing(ring: RingState, sem: Semantics, cap: number, bundle: boolean): Selection | Failure {
  const tail = ring.entries.length;
  const head = ring.head;
  let nr = Math.min(tail - head, UIO_MAXIOV);
  if (nr === 0) return { err: E('ENOBUFS'), rule: 'kbuf.empty' };
  const firstLen = ring.lens[head]!;
  if (firstLen === 0) return { err: E('ENOBUFS'), rule: 'kbuf.empty' };
  let maxLen = cap === 0 ? INT_MAX : Math.min(cap, INT_MAX);
  const rules: RuleId[] = ['kbuf.ring-order', 'kbuf.commit-at-select'];
  if (cap) rules.push('kbuf.len-cap');
  // io_send passes max_len = min_not_zero(len, INT_MAX): an uncapped bundle is limited the same way, to 256 entries at most
  const needed = Math.min(Math.ceil(maxLen / firstLen), PEEK_MAX_IMPORT);
  if (bundle && nr > needed) {
    nr = needed;
    rules.push('kbuf.peek-needed');
  }
  if (!bundle) nr = 1;
  const picked: PickedBuf[] = [];
  let at = head;
  for (;;) {
    const e = ring.entries[at]!;
    let len = ring.lens[at]!;
    if (len > maxLen) {
      if (sem.bundleStopsBeforePartial && picked.length > 0) break;
      len = maxLen;
      ring.lens[at] = len;
      if (bundle) rules.push('kbuf.bundle-truncate');
    }
    picked.push({ bid: e.bid, len, target: e.target });
    maxLen -= len;
    if (maxLen === 0) break;
    at++;
    if (--nr === 0) break;
  }
  ring.head += picked.length;
  return { from: 'ring', bgid: ring.bgid, picked, emptyAfter: at === tail, rules };
}

/** Undoes the commit of a ring selection (intended semantics of a failure that sent nothing). */
export function rollback(st: KernelState, sel: Selection): void {
  if (sel.from === 'ring') st.rings.get(sel.bgid)!.head -= sel.picked.length;
}

/** User address ranges no scenario program ever maps (static non-PIE binary: text at 4 MiB, mmap below 0x7f..., canonical 47 bits). */
function surelyUnmapped(addr: bigint): boolean {
  return addr < 0x400000n || (addr >= 0x1_0000_0000n && addr < 0x5000_0000_0000n) || addr >= 0x8000_0000_0000n;
}

/**
 * The bytes of a picked buffer used as user memory (no FIXED_BUF). An address
 * nothing maps faults only when bytes are copied from it: not for a buffer of
 * no bytes inside the user range (import_ubuf's access_ok passes), nor for a
 * send the socket refuses first (a UDP datagram over 65507 bytes); those are
 * read as a buffer whose bytes are never sent.
 */
export function asUserMemory(p: PickedBuf, sock: SocketModel): Memory {
  const t = p.target;
  if (t.kind === 'plain') {
    const offset = 'offset' in t ? t.offset : 0;
    if (offset + p.len > t.buffer.size && !sock.refusedBeforeCopy(p.len))
      unpredictable(
        `provided buffer ${p.bid} claims ${p.len} bytes of the ${t.buffer.size - offset} its memory holds: the kernel reads on into memory the model does not know`,
      );
    return { ok: { buffer: t.buffer.name, offset, len: p.len } };
  }
  const unread = { ok: { buffer: `provided buffer ${p.bid} (never read)`, offset: 0, len: p.len } };
  if (t.addr + BigInt(p.len) <= USER_PTR_MAX && (p.len === 0 || sock.refusedBeforeCopy(p.len))) return unread;
  if (surelyUnmapped(t.addr)) return { fault: 'kbuf.bad-user-addr' };
  return unpredictable(
    `provided buffer ${p.bid} has addr 0x${t.addr.toString(16)} used as user memory: the model does not know what is mapped there`,
  );
}

/** Decodes a provided buffer addr with the kernel's split (patch 5/7; 20/44 after review). */
export function decodeRegbufAddr(abi: AbiName, addr: bigint): { index: bigint; offset: bigint } {
  const p = ABIS[abi];
  const index = addr & ((1n << BigInt(p.indexBits)) - 1n);
  const offset = (addr >> BigInt(p.indexBits)) & ((1n << BigInt(p.offsetBits)) - 1n);
  return { index, offset };
}

/** The bytes of a picked buffer whose addr names {registered index, offset} (FIXED_BUF). */
export function asRegisteredMemory(st: KernelState, sem: Semantics, p: PickedBuf): Memory {
  if (!sem.abi)
    return unpredictable("the kernel's {index, offset} split for provided registered buffers is unknown (host without regbufAbi)");
  const t = p.target;
  let addr: bigint;
  if (t.kind === 'regbuf' || t.kind === 'raw' || t.kind === 'addr') addr = t.addr;
  else {
    // A real pointer decoded as {index, offset}. Plain buffers are page aligned:
    // with 32 index bits the index is a non-zero multiple of 4096 (never a table
    // slot); with 20 bits it is 0 when the pointer is 1 MiB aligned.
    if (sem.abi === 'rfc-v1') return { err: E('EFAULT'), rule: 'rfc.regbuf-index' };
    return unpredictable(`buffer ${p.bid} holds a user pointer, decoded with the 20-bit index split it may name registered buffer 0`);
  }
  const { index, offset } = decodeRegbufAddr(sem.abi, addr);
  const reg = index < BigInt(st.layout.regbufs.length) ? st.regbuf(Number(index)) : undefined;
  if (!reg) return { err: E('EFAULT'), rule: 'rfc.regbuf-index' };
  if (offset >= BigInt(reg.size)) return { err: E('EFAULT'), rule: 'rfc.regbuf-offset' };
  if (offset + BigInt(p.len) > BigInt(reg.size)) return { err: E('EOVERFLOW'), rule: 'rfc.regbuf-overflow' };
  return { ok: { buffer: reg.name, offset: Number(offset), len: p.len } };
}
