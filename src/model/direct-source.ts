// Where a send without buf_group takes its bytes: the sqe addr (a plain
// buffer, a registered buffer's memory, or NULL) and, with FIXED_BUF, the
// registered buffer buf_index names.
import { E } from './errno.ts';
import type { Failure } from './buffer-select.ts';
import type { ByteSource } from './prediction.ts';
import type { KernelState } from './state.ts';
import type { SendOp, SendZcOp } from './outcome.ts';
import type { SocketModel } from './socket.ts';
import { unpredictable } from './unpredictable.ts';

export type Direct = { ok: ByteSource[] } | Failure;

/**
 * Bytes at the sqe addr used as user memory. An address nothing maps faults
 * when the socket copies from it, so what the socket refuses before copying
 * (a UDP datagram over 65507 bytes) is the result instead.
 */
export function userSource(st: KernelState, step: number, op: SendOp | SendZcOp, sock: SocketModel): Direct {
  const len = op.len;
  if (len === 0) return { ok: [] };
  const copyFault = (): Failure => sock.refusedBeforeCopy(len) ?? { err: E('EFAULT'), rule: 'send.null-buffer' };
  const src = op.source;
  if (!src) return copyFault();
  if ('plain' in src) return { ok: [{ buffer: `step ${step} source`, offset: 0, len }] };
  const reg = st.regbuf(src.regbuf.index);
  if (!reg) {
    // The generator passes the offset itself as the address.
    if (src.regbuf.offset < 0x400000) return copyFault();
    return unpredictable(`address ${src.regbuf.offset} (regbuf ${src.regbuf.index} does not exist) may be mapped`);
  }
  if (src.regbuf.offset + len > reg.size)
    return unpredictable(`${reg.name} + ${src.regbuf.offset} + ${len} runs past the buffer into memory the model does not know`);
  return { ok: [{ buffer: reg.name, offset: src.regbuf.offset, len }] };
}

/** send_zc with FIXED_BUF and no buf_group: io_send_zc_import + io_import_fixed. */
export function fixedSource(st: KernelState, op: SendZcOp): Direct {
  const src = op.source;
  const index = op.buf_index ?? (src && 'regbuf' in src ? src.regbuf.index : 0);
  const reg = st.regbuf(index);
  if (!reg) return { err: E('EFAULT'), rule: 'zc.fixed-index' };
  // The address must lie in the buffer buf_index names.
  if (!src || !('regbuf' in src) || src.regbuf.index !== index) return { err: E('EFAULT'), rule: 'zc.fixed-range' };
  if (src.regbuf.offset + op.len > reg.size) return { err: E('EFAULT'), rule: 'zc.fixed-range' };
  return { ok: op.len ? [{ buffer: reg.name, offset: src.regbuf.offset, len: op.len }] : [] };
}
