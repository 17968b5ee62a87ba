// Every rule the model applies, with the place it comes from: a patch of the
// RFC (n/7), a review message (author, date in UTC), or a function of the
// base tree (6.12.8 + prerequisites 01-03). A prediction names the rules it
// used, and every diff the comparator reports names the rule it checks, so a
// failure can be traced to the sentence or the line it contradicts.

export interface Rule {
  source: string;
  /** The rule in one sentence. */
  says: string;
}

const R = <T extends Record<string, Rule>>(t: T) => t;

export const RULES = R({
  // ---- setup ---------------------------------------------------------------
  'setup.defer-needs-single-issuer': {
    source: 'io_uring/io_uring.c io_uring_create (base)',
    says: 'DEFER_TASKRUN without SINGLE_ISSUER fails queue_init with -EINVAL',
  },
  'setup.taskrun-flag-needs-coop': {
    source: 'io_uring/io_uring.c io_uring_create (base)',
    says: 'TASKRUN_FLAG without COOP_TASKRUN or DEFER_TASKRUN fails queue_init with -EINVAL',
  },
  'setup.cq-smaller-than-sq': {
    source: 'io_uring/io_uring.c io_uring_fill_params (base)',
    says: 'CQSIZE with cq_entries (rounded up to a power of two) below the SQ size fails queue_init with -EINVAL',
  },
  'setup.provide-range': {
    source: 'io_uring/kbuf.c io_provide_buffers_prep check_add_overflow + access_ok (base 6.12.8; also 6.18)',
    says: 'PROVIDE_BUFFERS whose addr + len * nbufs wraps fails with -EOVERFLOW, and one ending past the user address space (USER_PTR_MAX) with -EFAULT: an encoded {index, offset} addr is checked as user memory too',
  },

  // ---- send_zc: CQE protocol ---------------------------------------------------
  'zc.two-cqes': {
    source: 'io_uring/net.c io_send_zc (base); Jens Axboe 2024-10-24 14:43 "the usual two notifications on send complete, and reuse safe"',
    says: 'a send_zc posts its result with F_MORE, then a notification (res 0, F_NOTIF) with the same user_data',
  },
  'zc.notif-after-result': {
    source:
      'io_uring/notif.c io_notif_flush (base); Jens Axboe 2024-10-24 15:11 "the reuse notification goes with that previous completion"',
    says: 'the notification of a request comes after its result CQE; notifications of different requests may come in any order',
  },
  'zc.report-usage-copied': {
    source: 'io_uring/notif.c io_notif_tw_complete (base) + net/core/dev.c skb_orphan_frags_rx (loopback copies the frags)',
    says: 'with REPORT_USAGE the notification res is IORING_NOTIF_USAGE_ZC_COPIED (bit 31): loopback and AF_UNIX never transmit zero-copy, and a request that sent nothing never set zc_used',
  },
  'zc.fail-more-notif': {
    source: 'io_uring/net.c io_sendrecv_fail + io_send_zc_cleanup (base)',
    says: 'a send_zc that fails after prep allocated its notification still posts F_MORE and then the notification',
  },
  'zc.init-fail-no-notif': {
    source: 'io_uring/io_uring.c io_init_req (base)',
    says: 'a failure before prep (io_init_req) posts one CQE, flags 0, no notification',
  },
  'zc.bufsel-unsupported': {
    source: 'io_uring/io_uring.c io_init_req + io_uring/opdef.c (base: SEND_ZC has no buffer_select)',
    says: 'IOSQE_BUFFER_SELECT on SEND_ZC fails with -EOPNOTSUPP before prep',
  },
  'zc.bundle-einval': {
    source: 'io_uring/net.c io_send_zc_prep IO_ZC_FLAGS_VALID (base)',
    says: 'BUNDLE in send_zc ioprio fails prep with -EINVAL, after the notification is allocated (REPORT_USAGE is not yet applied)',
  },
  'zc.sock-no-zc': {
    source: 'io_uring/net.c io_send_zc SOCK_SUPPORT_ZC (base)',
    says: 'a socket without SOCK_SUPPORT_ZC (AF_UNIX) fails send_zc with -EOPNOTSUPP at issue, before any buffer is picked',
  },
  'zc.fixed-index': {
    source: 'io_uring/net.c io_send_zc_import (base, 02-03)',
    says: 'FIXED_BUF with buf_index past the registered table fails with -EFAULT',
  },
  'zc.fixed-range': {
    source: 'io_uring/rsrc.c io_import_fixed (base)',
    says: 'FIXED_BUF with [addr, addr+len) outside the registered buffer fails with -EFAULT',
  },

  // ---- RFC: provided buffers for send_zc ------------------------------------
  'rfc.zc-bufsel': {
    source: 'patch 7/7 io_uring/opdef.c .buffer_select = 1; Jens Axboe 2024-10-24 15:11',
    says: 'send_zc accepts IOSQE_BUFFER_SELECT: it picks one provided buffer (or several with BUNDLE)',
  },
  'rfc.zc-bundle-flag': { source: 'patch 7/7 IO_ZC_FLAGS_COMMON += IORING_RECVSEND_BUNDLE', says: 'send_zc accepts BUNDLE in ioprio' },
  'rfc.zc-bufsel-cqe': {
    source:
      'Jens Axboe 2024-10-24 15:11 "a single one is posted for the expected inline completion with buffer ID"; patch 7/7 io_put_kbuf in io_send_zc',
    says: 'the result CQE of a buffer-select send_zc carries F_BUFFER with the picked buffer id, plus F_MORE',
  },
  'rfc.zc-bundle-cqe': {
    source:
      'Jens Axboe 2024-10-24 15:11 "The first expected inline one will have a buffer ID, and the length will tell you how many consecutive buffers were sent/consumed"',
    says: 'a send_zc bundle posts one result (first bid, res = bytes of all picked buffers) and one notification',
  },
  'rfc.zc-partial-keeps-buffers': {
    source:
      'Jens Axboe 2024-10-24 15:11 "If it\'s a partial send, then buffers are kept ... completion is posted at the end, when the picked buffers are done"',
    says: 'a short send of a send_zc bundle is retried until the picked buffers are sent; res = all their bytes',
  },
  'rfc.zc-nothing-sent-nothing-consumed': {
    source: 'Jens Axboe 2024-10-24 15:11 "If it sends nothing, nothing is consumed"',
    says: 'a send_zc that fails before sending keeps the ring head where it was',
  },
  'rfc.zc-plain-memory': {
    source: 'Jens Axboe 2024-10-24 15:11 "the provided buffer is either normal user memory, or it\'s indices into registered buffers"',
    says: 'without FIXED_BUF the provided buffer is user memory and is sent from its address',
  },
  'rfc.addr-encoding': {
    source:
      'patch 5/7 include/uapi/linux/io_uring.h IOU_BUF_REGBUF_BITS/IOU_BUF_OFFSET_BITS (32/32); Jens Axboe 2024-10-24 22:46 "I changed it to 20/44"',
    says: 'with FIXED_BUF a provided buffer addr is index (low bits) | offset << index-bits; rfc-v1 32/32, rfc-rev 20/44',
  },
  'rfc.regbuf-index': {
    source:
      'patch 6/7 io_ubuf_from_buf (idx >= nr_user_bufs → -EFAULT) with the whole index field (the u16 idx truncation is a candidate bug)',
    says: 'an index past the registered table fails with -EFAULT; index 65536 does not alias 0',
  },
  'rfc.regbuf-offset': {
    source: 'patch 6/7 io_ubuf_from_buf (*offset >= imu->len → -EFAULT)',
    says: 'an offset at or past the end of the registered buffer fails with -EFAULT',
  },
  'rfc.regbuf-overflow': {
    source: 'patch 6/7 io_fill_bvecs (offset > imu->len - len → -EOVERFLOW)',
    says: 'offset + len past the end of the registered buffer fails with -EOVERFLOW',
  },
  'rfc.regbuf-bytes': {
    source:
      'patch 6/7 io_fill_bvecs; cover letter "the offset within that buffer" (bv_offset ignoring the first bvec\'s own offset is a candidate bug)',
    says: "the bytes sent are registered buffer [offset, offset+len), whatever the buffer's placement in its first page and however many pages the range crosses",
  },
  'rfc.map-fail-no-commit': {
    source:
      'Jens Axboe 2024-10-24 15:11 "If it sends nothing, nothing is consumed"; patch 6/7 io_buffers_select commits nbufs already mapped (candidate bug)',
    says: 'a bundle whose later entry fails to map fails as a whole and consumes no ring entry',
  },
  'rfc.classic-fixed': {
    source: 'patch 6/7 io_provided_buffers_select KBUF_MODE_BVEC (passes an uninitialised vec_off: candidate memory bug); cover letter',
    says: 'a classic provided buffer with FIXED_BUF is decoded like a ring entry and sends the registered bytes it names',
  },
  'rfc.classic-one-buffer': {
    source: 'io_uring/kbuf.c io_buffers_peek "don\'t support multiple buffer selections for legacy" (base)',
    says: 'a bundle over classic provided buffers picks one buffer',
  },

  // ---- buffer selection (base) ----------------------------------------------
  'kbuf.no-group': {
    source: 'io_uring/kbuf.c io_buffers_select / io_buffer_select (base)',
    says: 'a buffer group that does not exist fails with -ENOENT (send) ',
  },
  'kbuf.empty': {
    source: 'io_uring/kbuf.c io_ring_buffers_peek / io_provided_buffer_select (base)',
    says: 'an empty group (or a first ring entry of length 0) fails with -ENOBUFS',
  },
  'kbuf.ring-order': {
    source: 'io_uring/kbuf.c io_ring_buffers_peek (base)',
    says: "ring entries are taken from the head in order; the CQE bid is the first picked entry's bid",
  },
  'kbuf.classic-fifo': {
    source: 'io_uring/kbuf.c io_add_buffers list_move_tail + io_provided_buffer_select list_first_entry (base)',
    says: 'classic provided buffers are handed out in the order they were provided',
  },
  'kbuf.classic-send-no-cap': {
    source: 'io_uring/kbuf.c io_buffers_select → io_provided_buffers_select(req, arg, bl, &arg->out_len) (base; also 6.18)',
    says: 'on send, a classic provided buffer is taken whole: sqe len does not cap it (out_len is 0 when passed as the length)',
  },
  'kbuf.len-cap': {
    source: 'io_uring/kbuf.c io_ring_buffers_peek / io_provided_buffer_select (base)',
    says: 'sqe len (if not 0) caps the bytes taken from the picked buffer(s)',
  },
  'kbuf.commit-at-select': {
    source: 'io_uring/kbuf.c io_buffers_select io_kbuf_commit (base)',
    says: 'a send consumes (commits) its ring entries when it picks them: the head advances by the number picked, even if the send then fails',
  },
  'kbuf.peek-needed': {
    source:
      'io_uring/kbuf.c io_ring_buffers_peek needed = ceil(max_len / first len), at most 256; io_uring/net.c io_send_select_buffer max_len = min_not_zero(len, INT_MAX) (base)',
    says: 'a bundle looks at no more than ceil(cap / first entry len) entries, and never more than 256: an uncapped one (cap INT_MAX) too',
  },
  'kbuf.bundle-truncate': {
    source: 'io_uring/kbuf.c io_ring_buffers_peek buf->len = len (6.12 base)',
    says: 'a capped bundle truncates the entry that crosses the cap and takes it (6.12); newer kernels stop before it unless it is the first',
  },
  'kbuf.bad-user-addr': {
    source: 'net/ipv4/tcp.c / udp copy from user (base)',
    says: 'a provided buffer used as user memory whose addr maps nothing fails the send with -EFAULT, after the buffer was picked (not one of no bytes inside the user range, and not a send the socket refuses before copying)',
  },

  // ---- send (base) ---------------------------------------------------------------
  'send.result': {
    source: 'io_uring/net.c io_send (base)',
    says: 'a send posts one CQE with the bytes sent; F_BUFFER and the bid when it picked a provided buffer',
  },
  'send.bundle-needs-select': {
    source: 'io_uring/net.c io_sendmsg_prep (6.12 base)',
    says: 'BUNDLE on send without IOSQE_BUFFER_SELECT fails prep with -EINVAL',
  },
  'send.bundle-rounds': {
    source: 'io_uring/net.c io_send_finish + io_mshot_prep_retry (base)',
    says: 'a send bundle posts a CQE (F_MORE) per round and picks again, uncapped, until a round leaves the group empty or fails',
  },
  'send.bundle-empty-check': {
    source: 'io_uring/kbuf.c io_ring_buffers_peek "if (head == tail) REQ_F_BL_EMPTY" (base)',
    says: 'a round that stopped on the cap is not seen as emptying the ring, so one more round runs and fails with -ENOBUFS',
  },
  'send.null-buffer': {
    source: 'lib/iov_iter.c / net copy from user (base)',
    says: 'a send from a NULL buffer with len > 0 fails with -EFAULT when the socket copies from it (a UDP datagram over 65507 bytes is refused before that: -EMSGSIZE, sock.dgram)',
  },

  // ---- sockets (base) ------------------------------------------------------------
  'sock.stream-full': {
    source: 'io_uring/net.c io_net_retry (base)',
    says: 'a stream send that fits the socket completes with all its bytes',
  },
  'sock.stream-short': {
    source: 'net/ipv4/tcp.c tcp_sendmsg_locked (base); observed on 6.18',
    says: 'a stream send larger than the socket takes at once, without MSG_WAITALL, may complete short: res in [1, len]',
  },
  'sock.waitall': {
    source: 'io_uring/net.c io_send / io_send_zc min_ret (base)',
    says: 'MSG_WAITALL sends (and send bundles) complete with every byte',
  },
  'sock.poll-first-nowait': {
    source:
      'io_uring/net.c io_send + io_send_zc POLL_FIRST, io_sendmsg_prep + io_send_zc_prep REQ_F_NOWAIT; io_uring/io_uring.c io_queue_async (base)',
    says: 'POLL_FIRST with MSG_DONTWAIT fails with -EAGAIN at issue, before any buffer is imported or picked: the first issue never sends, and DONTWAIT makes that -EAGAIN final instead of arming poll',
  },
  'sqe.poll-first': {
    source:
      'io_uring/net.c io_send + io_send_zc "if (!(req->flags & REQ_F_POLLED) && POLL_FIRST) return -EAGAIN" before the import; io_uring/io_uring.c io_queue_async IO_APOLL_READY -> io_req_task_queue (base)',
    says: 'a POLL_FIRST request without MSG_DONTWAIT is armed for poll at its first issue and runs from task work: after the requests issued inline in its submission (their CQEs, picked buffers and bytes come first), in submission order among themselves',
  },
  'sock.dgram': {
    source: 'net/ipv4/udp.c udp_sendmsg (base)',
    says: 'a datagram send sends one datagram of len bytes; over 65507 bytes on UDP it fails with -EMSGSIZE',
  },
  'sock.stream-bytes': { source: 'TCP / AF_UNIX stream (base)', says: 'the peer receives the bytes of every send in submission order' },
  'submit.stop-on-init-failure': {
    source: 'io_uring/io_uring.c io_submit_sqes (base)',
    says: 'without SUBMIT_ALL, submission stops at the first SQE that fails io_init_req or prep; later SQEs stay queued until the next io_uring_submit',
  },
  'link.cancel': {
    source: 'io_uring/timeout.c io_fail_links + io_uring/io_uring.c io_req_defer_failed (base)',
    says: 'a request linked after a failed one completes with -ECANCELED (a send_zc still with F_MORE and a notification)',
  },
  'sqe.drain': {
    source: 'io_uring/io_uring.c io_drain_req + req_need_defer + io_queue_deferred (base)',
    says: 'a request with IOSQE_IO_DRAIN waits until every request submitted before it has completed (its sequence plus cq_extra reaches the CQ tail), then is issued and completes like any other: a missing result of a drained request breaks this first',
  },
  'ring.head': { source: 'io_uring/kbuf.c io_kbuf_commit (base)', says: 'the ring head is the number of entries consumed, modulo 65536' },
});

export type RuleId = keyof typeof RULES;

export function ruleSource(id: RuleId): string {
  return RULES[id].source;
}
