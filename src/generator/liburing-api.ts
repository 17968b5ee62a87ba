// Which liburing release a generated C file needs: every liburing function,
// type and io_uring.h constant generated code may use, with the first release
// that has it. A reproducer states the newest of those it uses, so a reader
// with an older liburing knows before compiling.
//
// Evidence, from liburing 2.9's own sources (~/.cache/uringspec/build/liburing-2.9,
// Debian trixie's package) and checked against liburing's git history
// (github.com/axboe/liburing; "first tag" = git describe --contains):
//   - src/liburing.map: the symbol-version node naming each library function.
//     LIBURING_2.0 is the first node and lists everything older.
//   - CHANGELOG: 2.2 "a new buffer provide scheme" (the buf_ring helpers),
//     2.3 "zero-copy network transmit" and IORING_SETUP_DEFER_TASKRUN,
//     2.4 "io_uring_free_buf_ring() and io_uring_setup_buf_ring()".
//   - man/*.3: the release stamped in .TH when a page was written.
// Releases before 2.0 (0.1 .. 0.7) count as 2.0, the oldest one stated.
export interface ApiSince {
  /** First liburing release that has it ("2.6"), or "uspec.h" when our runtime defines it if missing. */
  since: string;
  evidence: string;
}

const map = (node: string) => `liburing.map ${node}`;

export const LIBURING_API: Record<string, ApiSince> = {
  // Library functions (src/liburing.map).
  io_uring_queue_init_params: { since: '2.0', evidence: map('LIBURING_2.0') },
  io_uring_get_sqe: { since: '2.0', evidence: map('LIBURING_2.0') },
  io_uring_submit: { since: '2.0', evidence: map('LIBURING_2.0') },
  io_uring_submit_and_wait: { since: '2.0', evidence: map('LIBURING_2.0') },
  io_uring_register_buffers: { since: '2.0', evidence: map('LIBURING_2.0') },
  io_uring_wait_cqe_timeout: { since: '2.0', evidence: map('LIBURING_2.0') },
  io_uring_setup_buf_ring: { since: '2.4', evidence: `${map('LIBURING_2.4')}; CHANGELOG 2.4; git c622236b, first tag liburing-2.4` },
  io_uring_buf_ring_head: {
    since: '2.6',
    evidence: `${map('LIBURING_2.6')}; git 0769f328 (IORING_REGISTER_PBUF_STATUS), first tag liburing-2.6`,
  },
  // Inline helpers in liburing.h (not in the map).
  io_uring_wait_cqe: { since: '2.0', evidence: 'liburing.h; git 39e0ebd4, first tag liburing-0.1' },
  io_uring_peek_cqe: { since: '2.0', evidence: 'liburing.h; git 39e0ebd4, first tag liburing-0.1' },
  io_uring_cqe_seen: { since: '2.0', evidence: 'liburing.h; git 76b61ebf, first tag liburing-0.1' },
  io_uring_prep_send: { since: '2.0', evidence: 'liburing.h; git 6e68fda1, first tag liburing-0.2' },
  io_uring_prep_provide_buffers: { since: '2.0', evidence: 'liburing.h; git 4040b8fb, first tag liburing-0.6' },
  io_uring_prep_send_zc: { since: '2.3', evidence: 'CHANGELOG 2.3; man page stamped liburing-2.3; git 880a932c, first tag liburing-2.3' },
  io_uring_buf_ring_add: { since: '2.2', evidence: 'CHANGELOG 2.2; man page stamped liburing-2.2; git e85c8b51' },
  io_uring_buf_ring_advance: { since: '2.2', evidence: 'CHANGELOG 2.2; man page stamped liburing-2.2; git c4a10701' },
  io_uring_buf_ring_mask: { since: '2.2', evidence: 'man page stamped liburing-2.2 (June 13, 2022); git 2c9bc6ba, first tag liburing-2.2' },
  // Types.
  io_uring: { since: '2.0', evidence: 'liburing.h since liburing-0.1' },
  io_uring_params: { since: '2.0', evidence: 'io_uring.h; git f93c84e1, first tag liburing-0.1' },
  io_uring_sqe: { since: '2.0', evidence: 'io_uring.h since liburing-0.1' },
  io_uring_cqe: { since: '2.0', evidence: 'io_uring.h since liburing-0.1' },
  io_uring_buf: { since: '2.2', evidence: 'io_uring.h; git c5988858, first tag liburing-2.2' },
  io_uring_buf_ring: { since: '2.2', evidence: 'io_uring.h; git c5988858, first tag liburing-2.2' },
  // Constants of liburing's own io_uring.h.
  IORING_OP_SEND: { since: '2.0', evidence: 'io_uring.h; git 7a3fd11c, first tag liburing-0.1' },
  IORING_OP_PROVIDE_BUFFERS: { since: '2.0', evidence: 'io_uring.h; git 4040b8fb, first tag liburing-0.6' },
  IORING_OP_SEND_ZC: { since: '2.3', evidence: 'io_uring.h; git 880a932c, first tag liburing-2.3' },
  IOSQE_IO_DRAIN: { since: '2.0', evidence: 'io_uring.h; git 98644097, first tag liburing-0.1' },
  IOSQE_IO_LINK: { since: '2.0', evidence: 'io_uring.h; git 0ba9503f, first tag liburing-0.1' },
  IOSQE_ASYNC: { since: '2.0', evidence: 'io_uring.h; git e59b537f, first tag liburing-0.3' },
  IOSQE_BUFFER_SELECT: { since: '2.0', evidence: 'io_uring.h; git 4040b8fb, first tag liburing-0.6' },
  IORING_CQE_F_BUFFER: { since: '2.0', evidence: 'io_uring.h; git 4040b8fb, first tag liburing-0.6' },
  IORING_CQE_BUFFER_SHIFT: { since: '2.0', evidence: 'io_uring.h; git 4040b8fb, first tag liburing-0.6' },
  IORING_CQE_F_MORE: { since: '2.1', evidence: 'io_uring.h; git cac93c53, first tag liburing-2.1' },
  IORING_CQE_F_NOTIF: { since: '2.3', evidence: 'io_uring.h; git 880a932c, first tag liburing-2.3' },
  IORING_SETUP_CQSIZE: { since: '2.0', evidence: 'io_uring.h; git 096f4d04, first tag liburing-0.2' },
  IORING_SETUP_SUBMIT_ALL: { since: '2.2', evidence: 'io_uring.h; git c56200f7, first tag liburing-2.2' },
  IORING_SETUP_COOP_TASKRUN: { since: '2.2', evidence: 'CHANGELOG 2.2; git 707550cb' },
  IORING_SETUP_TASKRUN_FLAG: { since: '2.2', evidence: 'io_uring.h; git 707550cb, first tag liburing-2.2' },
  IORING_SETUP_SINGLE_ISSUER: { since: '2.3', evidence: 'io_uring.h; git 205f2e87, first tag liburing-2.3' },
  IORING_SETUP_DEFER_TASKRUN: { since: '2.3', evidence: 'CHANGELOG 2.3; git 1999c963' },
  IORING_RECVSEND_POLL_FIRST: { since: '2.2', evidence: 'io_uring.h; git 5d52bb71, first tag liburing-2.2' },
  IORING_RECVSEND_FIXED_BUF: { since: '2.3', evidence: 'io_uring.h; git b93c89af, first tag liburing-2.3' },
  IORING_SEND_ZC_REPORT_USAGE: { since: '2.4', evidence: 'io_uring.h; git f76924e7 (uapi sync with 6.2), first tag liburing-2.4' },
  IORING_NOTIF_USAGE_ZC_COPIED: { since: '2.4', evidence: 'io_uring.h; git f76924e7 (uapi sync with 6.2), first tag liburing-2.4' },
  IORING_REGISTER_PBUF_RING: { since: '2.2', evidence: 'io_uring.h; git c5988858, first tag liburing-2.2' },
  // Defined by uspec.h (#ifndef) when liburing's header lacks them: 2.7 synced them from 6.10.
  IORING_RECVSEND_BUNDLE: {
    since: 'uspec.h',
    evidence: 'io_uring.h from liburing-2.7 (CHANGELOG: sync with kernel 6.10, bundles); uspec.h defines it if missing',
  },
  IORING_CQE_F_BUF_MORE: {
    since: 'uspec.h',
    evidence: 'io_uring.h from liburing-2.8 (incremental buffers); uspec.h defines it if missing',
  },
};

export interface LiburingNeeds {
  /** The oldest liburing release the code builds with, e.g. "2.6". */
  version: string;
  /** The symbols that need exactly that release. */
  because: string[];
}

const release = (v: string) => v.split('.').map(Number) as [number, number];
const newer = (a: string, b: string) => {
  const [x, y] = [release(a), release(b)];
  return x[0] - y[0] || x[1] - y[1];
};

/** C code without comments and string literals: only what the compiler resolves. */
function codeOnly(c: string): string {
  return c
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
}

/** The oldest liburing a C file builds with. Throws for a liburing name the table above does not know (add it, with evidence). */
export function liburingNeeds(c: string): LiburingNeeds {
  const names = new Set(codeOnly(c).match(/\b(?:io_uring\w*|IORING_\w+|IOSQE_\w+)\b/g) ?? []);
  let version = '2.0';
  let because: string[] = [];
  for (const n of [...names].sort()) {
    const api = LIBURING_API[n];
    if (!api) throw new Error(`generated C uses ${n}, which generator/liburing-api.ts does not know: add the liburing release that has it`);
    if (api.since === 'uspec.h') continue;
    const d = newer(api.since, version);
    if (d > 0) [version, because] = [api.since, [n]];
    else if (d === 0 && api.since !== '2.0') because.push(n);
  }
  return { version, because };
}

/** "liburing >= 2.6 (io_uring_buf_ring_head)". */
export const describeNeeds = (n: LiburingNeeds): string =>
  `liburing >= ${n.version}${n.because.length ? ` (${n.because.join(', ')})` : ''}`;
