// The numeric limits the model's semantics turn on, in one place: the
// simulator uses them, and the scenario synthesizer (specs/synth) puts
// boundary values at and next to each (the fuzz workflow hands it this list;
// specs/ may not import the model).
import type { Limit } from '../specs/synth/limits.ts';

/** io_uring/kbuf.c PEEK_MAX_IMPORT: most ring entries one bundle looks at when capped. */
export const PEEK_MAX_IMPORT = 256;
/** UIO_MAXIOV: most entries one bundle takes. */
export const UIO_MAXIOV = 1024;
/** Largest UDP/IPv4 payload. */
export const UDP_MAX = 65507;
/** uspec_peer_recv/drain read datagrams into a 64 KiB buffer. */
export const PEER_READ_MAX = 1 << 16;
/** net.unix.max_dgram_qlen default: more unread datagrams block the sender. */
export const UNIX_DGRAM_QLEN = 10;
/** Default socket buffers (net.core.rmem_default and wmem_default): the UDP peer's receive, the AF_UNIX sender's send. */
export const SOCK_BUF_DEFAULT = 212992;
/**
 * A datagram of n bytes is charged at most 2n + DGRAM_OVERHEAD against a socket buffer (its skb truesize;
 * measured on 6.18: 1000-byte UDP datagrams fill 212992 after 92, 4 KiB after 25; AF_UNIX 8 KiB after 13,
 * 64 KiB after 4).
 */
export const DGRAM_OVERHEAD = 1024;
/**
 * x86-64 USER_PTR_MAX with 4-level paging (TASK_SIZE_MAX, as on the guests and this host): access_ok()
 * refuses a range that ends past it (arch/x86/include/asm/uaccess_64.h __access_ok; cpu/common.c).
 */
export const USER_PTR_MAX = (1n << 47n) - 4096n;
/** Default stream send window the model is sure a send fits into at once (uspec's sockets, SO_SNDBUF unset). */
export const STREAM_SAFE = 65536;

export const MODEL_LIMITS: Limit[] = [
  { name: 'PEEK_MAX_IMPORT', value: PEEK_MAX_IMPORT, unit: 'entries' },
  { name: 'UIO_MAXIOV', value: UIO_MAXIOV, unit: 'entries' },
  { name: 'UDP_MAX', value: UDP_MAX, unit: 'bytes' },
  { name: 'PEER_READ_MAX', value: PEER_READ_MAX, unit: 'bytes' },
  { name: 'STREAM_SAFE', value: STREAM_SAFE, unit: 'bytes' },
  { name: 'UNIX_DGRAM_QLEN', value: UNIX_DGRAM_QLEN, unit: 'datagrams' },
];
