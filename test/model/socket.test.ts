// The socket pair's model (src/model/socket.ts) on its own: how much a send
// gets into the socket at once, what the peer's reads free, and where the
// model stops knowing. Every number is a limit from model/limits.ts written out.
import { describe, expect, it } from 'vitest';
import { isFailure } from '../../src/model/outcome.ts';
import { SocketModel } from '../../src/model/socket.ts';
import { Unpredictable } from '../../src/model/unpredictable.ts';
import { Socket } from '../../src/specs/schema.ts';

const sock = (s: Record<string, unknown> = {}) => new SocketModel(Socket.parse(s));
const plainSend = { waitall: false, nowait: false };
const reason = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof Unpredictable) return e.reason;
    throw e;
  }
  return undefined;
};

describe('stream sockets', () => {
  it('kinds: TCP and AF_UNIX stream are streams; zero-copy on TCP and UDP only', () => {
    expect([
      sock().stream,
      sock({ type: 'unix-stream' }).stream,
      sock({ type: 'udp' }).stream,
      sock({ type: 'unix-dgram' }).stream,
    ]).toEqual([true, true, false, false]);
    expect([sock().zcCapable, sock({ type: 'udp' }).zcCapable, sock({ type: 'unix-stream' }).zcCapable]).toEqual([true, true, false]);
  });
  it('up to 64 KiB unread go in at once; the next byte may not', () => {
    const s = sock();
    expect(s.send(0, plainSend)).toEqual({ res: { exact: 0 }, rule: 'sock.stream-full', sent: true });
    expect(s.send(65000, plainSend)).toEqual({ res: { exact: 65000 }, rule: 'sock.stream-full', sent: true });
    expect(s.send(536, plainSend)).toEqual({ res: { exact: 536 }, rule: 'sock.stream-full', sent: true });
    expect(reason(() => s.send(1, plainSend))).toBe(
      '65536 unread bytes already fill the socket: a further send may block or fail with -EAGAIN',
    );
    // what the peer reads makes room again, a drain all of it
    s.peerRead(1000);
    expect(s.send(1000, plainSend).res).toEqual({ exact: 1000 });
    s.peerRead();
    expect(s.send(65536, plainSend).res).toEqual({ exact: 65536 });
  });
  it('past the room: all with MSG_WAITALL (blocking), 1..n otherwise', () => {
    expect(sock().send(70000, { waitall: true, nowait: false })).toEqual({ res: { exact: 70000 }, rule: 'sock.waitall', sent: true });
    expect(sock().send(70000, { waitall: true, nowait: true })).toEqual({
      res: { min: 1, max: 70000 },
      rule: 'sock.stream-short',
      sent: true,
    });
    expect(sock().send(70000, plainSend)).toEqual({ res: { min: 1, max: 70000 }, rule: 'sock.stream-short', sent: true });
  });
  it('a zero-length send completes with 0 even on a socket already past its room (tcp_sendmsg / unix_stream_sendmsg copy nothing)', () => {
    const s = sock();
    expect(s.send(70000, { waitall: true, nowait: false }).res).toEqual({ exact: 70000 });
    expect(s.send(0, plainSend)).toEqual({ res: { exact: 0 }, rule: 'sock.stream-full', sent: true });
  });
  it('a partial peer read frees exactly its bytes, no more', () => {
    const t = sock();
    t.send(65000, plainSend);
    t.peerRead(1000);
    // 64000 unread: 1000 more fit, then 600 more do not
    expect(t.send(1000, plainSend).res).toEqual({ exact: 1000 });
    expect(t.send(600, plainSend).res).toEqual({ min: 1, max: 600 });
  });
  it('the room: SO_SNDBUF below 64 KiB, half of SO_RCVBUF below that', () => {
    expect(sock({ sndbuf: 4096 }).send(4096, plainSend).res).toEqual({ exact: 4096 });
    expect(sock({ sndbuf: 4096 }).send(4097, plainSend).res).toEqual({ min: 1, max: 4097 });
    expect(sock({ sndbuf: 1 << 20 }).send(65537, plainSend).res).toEqual({ min: 1, max: 65537 });
    expect(sock({ rcvbuf: 8192 }).send(4096, plainSend).res).toEqual({ exact: 4096 });
    expect(sock({ rcvbuf: 8192 }).send(4097, plainSend).res).toEqual({ min: 1, max: 4097 });
  });
});

describe('datagram sockets', () => {
  it('UDP: 65507 bytes at most, -EMSGSIZE past it', () => {
    expect(sock({ type: 'udp' }).send(65507, plainSend)).toEqual({ res: { exact: 65507 }, rule: 'sock.dgram', sent: true });
    expect(sock({ type: 'udp' }).send(65508, plainSend)).toEqual({ res: { exact: -90 }, rule: 'sock.dgram', sent: false });
  });
  it('AF_UNIX: past the 64 KiB the peer reads at once, no oracle', () => {
    expect(sock({ type: 'unix-dgram' }).send(65536, plainSend).res).toEqual({ exact: 65536 });
    expect(reason(() => sock({ type: 'unix-dgram' }).send(65537, plainSend))).toBe(
      'a 65537-byte datagram is larger than the 64 KiB the peer reads at once',
    );
  });
  it('SO_SNDBUF bounds one datagram', () => {
    expect(sock({ type: 'udp', sndbuf: 2048 }).send(2048, plainSend).res).toEqual({ exact: 2048 });
    expect(reason(() => sock({ type: 'udp', sndbuf: 2048 }).send(2049, plainSend))).toBe(
      'a 2049-byte datagram does not fit SO_SNDBUF 2048',
    );
  });
  it('AF_UNIX: ten unread datagrams, not eleven; a peer read takes one, a drain all', () => {
    const s = sock({ type: 'unix-dgram' });
    for (let i = 0; i < 10; i++) s.send(8, plainSend);
    expect(reason(() => s.send(8, plainSend))).toBe('more than 10 unread AF_UNIX datagrams block the sender');
    const t = sock({ type: 'unix-dgram' });
    for (let i = 0; i < 10; i++) t.send(8, plainSend);
    t.peerRead(8);
    expect(t.send(8, plainSend).res).toEqual({ exact: 8 });
    expect(reason(() => t.send(8, plainSend))).toBe('more than 10 unread AF_UNIX datagrams block the sender');
    const u = sock({ type: 'unix-dgram' });
    for (let i = 0; i < 10; i++) u.send(8, plainSend);
    u.peerRead();
    for (let i = 0; i < 10; i++) expect(u.send(8, plainSend).res).toEqual({ exact: 8 });
    // a peer read with nothing unread leaves nothing below zero
    const v = sock({ type: 'unix-dgram' });
    v.peerRead(8);
    for (let i = 0; i < 10; i++) v.send(8, plainSend);
    expect(reason(() => v.send(8, plainSend))).toBe('more than 10 unread AF_UNIX datagrams block the sender');
  });
  it('UDP has no queue length: eleven unread datagrams all go', () => {
    const s = sock({ type: 'udp' });
    for (let i = 0; i < 11; i++) expect(s.send(8, plainSend).res).toEqual({ exact: 8 });
  });
  it("AF_UNIX: unread datagrams are charged 2n + 1024 against the sender's send buffer (212992 by default): conservative against 6.18", () => {
    // measured on 6.18 (a socketpair): 4 of 64 KiB went before -EAGAIN, 13 of 8 KiB; the model predicts 1 and 12
    const s = sock({ type: 'unix-dgram' });
    expect(s.send(65536, plainSend).res).toEqual({ exact: 65536 });
    expect(reason(() => s.send(65536, plainSend))).toBe("unread AF_UNIX datagrams may fill the sender's send buffer: the send blocks");
    const t = sock({ type: 'unix-dgram', sndbuf: 20000 });
    expect(t.send(8192, plainSend).res).toEqual({ exact: 8192 }); // 17408
    expect(t.send(500, plainSend).res).toEqual({ exact: 500 }); // 17408 + 2024 = 19432
    expect(reason(() => t.send(500, plainSend))).toBe("unread AF_UNIX datagrams may fill the sender's send buffer: the send blocks"); // 21456
  });
  it("UDP: unread datagrams (2n + 1024 each) past the peer's receive buffer, no oracle", () => {
    const s = sock({ type: 'udp', rcvbuf: 4096 });
    expect(s.send(1536, plainSend).res).toEqual({ exact: 1536 }); // 4096: exactly full
    expect(reason(() => s.send(0, plainSend))).toBe("unread datagrams may exceed the peer's receive buffer and be dropped");
    // a drain empties it
    const t = sock({ type: 'udp', rcvbuf: 4096 });
    t.send(1536, plainSend);
    t.peerRead();
    expect(t.send(1536, plainSend).res).toEqual({ exact: 1536 });
  });
});

describe('isFailure: did a request fail, for the link after it', () => {
  it('exact results: an error or less than asked; ranges: sure, not, or maybe', () => {
    expect([isFailure({ exact: -1 }, 0), isFailure({ exact: 0 }, 0), isFailure({ exact: 7 }, 8), isFailure({ exact: 8 }, 8)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect([isFailure({ min: -5, max: -1 }, 8), isFailure({ min: 8, max: 9 }, 8), isFailure({ min: 1, max: 8 }, 8)]).toEqual([
      true,
      false,
      'maybe',
    ]);
    expect([isFailure({ min: 0, max: 0 }, 0), isFailure({ min: 9, max: 9 }, 8), isFailure({ min: 7, max: 9 }, 8)]).toEqual([
      false,
      false,
      'maybe',
    ]);
  });
});
