// What the socket pair does with a send of n bytes: how many it takes, and
// what the peer then reads. All sockets are loopback TCP/UDP or AF_UNIX.
import type { Scenario } from '../specs/schema.ts';
import { E } from './errno.ts';
import { DGRAM_OVERHEAD, PEER_READ_MAX, SOCK_BUF_DEFAULT, STREAM_SAFE, UDP_MAX, UNIX_DGRAM_QLEN } from './limits.ts';
import type { ResPrediction } from './prediction.ts';
import type { RuleId } from './rules.ts';
import { unpredictable } from './unpredictable.ts';

export interface SendOutcome {
  res: ResPrediction;
  rule: RuleId;
  /** The bytes the peer gets are the first res bytes of what was offered. */
  sent: boolean;
}

export class SocketModel {
  readonly stream: boolean;
  readonly zcCapable: boolean;
  private unread = 0;
  private unreadDgrams = 0;
  /** Bytes a stream send is sure to get into the socket at once, unread data included. */
  private readonly safe: number;

  constructor(private readonly sock: Scenario['socket']) {
    this.stream = sock.type === 'tcp' || sock.type === 'unix-stream';
    this.zcCapable = sock.type === 'tcp' || sock.type === 'udp';
    let safe = Math.min(sock.sndbuf ?? STREAM_SAFE, STREAM_SAFE);
    if (sock.rcvbuf) safe = Math.min(safe, sock.rcvbuf / 2);
    this.safe = safe;
  }

  /**
   * A send of n bytes. waitall: the kernel retries until all is sent
   * (MSG_WAITALL, send bundles, and — intended — send_zc bundles).
   * nowait: MSG_DONTWAIT, no retry at all.
   */
  /**
   * What the socket refuses before it copies a byte of the send (so before a bad address faults):
   * a UDP datagram over 65507 bytes, -EMSGSIZE (udp_sendmsg -> __ip_append_data checks the length first).
   */
  refusedBeforeCopy(n: number): { err: number; rule: RuleId } | undefined {
    return this.sock.type === 'udp' && n > UDP_MAX ? { err: E('EMSGSIZE'), rule: 'sock.dgram' } : undefined;
  }

  send(n: number, opts: { waitall: boolean; nowait: boolean }): SendOutcome {
    if (this.stream) {
      if (n === 0) return { res: { exact: 0 }, rule: 'sock.stream-full', sent: true };
      const fits = this.unread + n <= this.safe;
      if (fits) {
        this.unread += n;
        return { res: { exact: n }, rule: 'sock.stream-full', sent: true };
      }
      if (this.unread >= this.safe)
        unpredictable(`${this.unread} unread bytes already fill the socket: a further send may block or fail with -EAGAIN`);
      this.unread += n;
      if (opts.waitall && !opts.nowait) return { res: { exact: n }, rule: 'sock.waitall', sent: true };
      return { res: { min: 1, max: n }, rule: 'sock.stream-short', sent: true };
    }
    const refused = this.refusedBeforeCopy(n);
    if (refused) return { res: { exact: refused.err }, rule: refused.rule, sent: false };
    if (n > PEER_READ_MAX) unpredictable(`a ${n}-byte datagram is larger than the 64 KiB the peer reads at once`);
    if (this.sock.sndbuf && n > this.sock.sndbuf) unpredictable(`a ${n}-byte datagram does not fit SO_SNDBUF ${this.sock.sndbuf}`);
    this.unreadDgrams++;
    this.unread += 2 * n + DGRAM_OVERHEAD;
    if (this.sock.type === 'unix-dgram' && this.unreadDgrams > UNIX_DGRAM_QLEN)
      unpredictable(`more than ${UNIX_DGRAM_QLEN} unread AF_UNIX datagrams block the sender`);
    // unix_dgram_sendmsg -> sock_alloc_send_pskb waits while the sender's unread skbs fill its SO_SNDBUF
    if (this.sock.type === 'unix-dgram' && this.unread > (this.sock.sndbuf ?? SOCK_BUF_DEFAULT))
      unpredictable("unread AF_UNIX datagrams may fill the sender's send buffer: the send blocks");
    if (this.sock.type === 'udp' && this.unread > (this.sock.rcvbuf ?? SOCK_BUF_DEFAULT))
      unpredictable("unread datagrams may exceed the peer's receive buffer and be dropped");
    return { res: { exact: n }, rule: 'sock.dgram', sent: true };
  }

  peerRead(len?: number): void {
    if (len === undefined || !this.stream) {
      // peer_recv reads one datagram; drain reads all.
      if (len !== undefined) {
        this.unreadDgrams = Math.max(0, this.unreadDgrams - 1);
        return;
      }
      this.unread = 0;
      this.unreadDgrams = 0;
      return;
    }
    this.unread = Math.max(0, this.unread - len);
  }
}
