// Where the model gives up, and the reason a report shows for it: one row per
// place the model says "no oracle" (unpredictable() in src/model), each with
// the smallest scenario that reaches it and the reason written out. A guess
// is worse than no oracle (model/unpredictable.ts); so is a vague reason.
import { describe, expect, it } from 'vitest';
import { predict, HOST_6_18, type ProfileName } from '../../src/model/index.ts';
import { Unpredictable } from '../../src/model/unpredictable.ts';
import { scenario } from './helpers.ts';

const plain = (len: number) => ({ len, source: { plain: { size: len } } });
const ring = (buffers: unknown[], more: Record<string, unknown> = {}) => ({ buffer_rings: [{ bgid: 1, entries: 8, buffers, ...more }] });

const ROWS: [string, ProfileName, Record<string, unknown>, string][] = [
  [
    'BUNDLE without buffer select on send_zc',
    'rfc-v1',
    { steps: [{ send_zc: { ...plain(8), flags: ['BUNDLE'] } }] },
    'the RFC neither rejects nor documents BUNDLE without IOSQE_BUFFER_SELECT on send_zc (send rejects it with -EINVAL)',
  ],
  [
    'MSG_MORE on send_zc',
    'baseline',
    { steps: [{ send_zc: { ...plain(8), msg_flags: ['MORE'] } }] },
    'MSG_MORE may hold the bytes back past the end of the scenario',
  ],
  [
    'MSG_MORE on send',
    'baseline',
    { steps: [{ send: { ...plain(8), msg_flags: ['MORE'] } }] },
    'MSG_MORE may hold the bytes back past the end of the scenario',
  ],
  [
    'a classic buffer that fails to map with FIXED_BUF',
    'rfc-v1',
    { provided_buffers: [{ bgid: 1, count: 1, size: 64 }], steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }] },
    'a classic provided buffer that fails to map with FIXED_BUF (the RFC path is memory-unsafe; no intended outcome is stated)',
  ],
  [
    'a bundle with an unmapped user address among its buffers',
    'rfc-v1',
    { ...ring([{ plain: { size: 64 } }, { raw: { addr: '0x1000', len: 64 } }]), steps: [{ send_zc: { buf_group: 1, flags: ['BUNDLE'] } }] },
    "a bundle where one buffer is an unmapped user address: how much is sent first is the kernel's choice",
  ],
  [
    'a ring entry at an address a program may map',
    'rfc-v1',
    { ...ring([{ raw: { addr: '0x400000', len: 64 } }]), steps: [{ send_zc: { buf_group: 1 } }] },
    'provided buffer 0 has addr 0x400000 used as user memory: the model does not know what is mapped there',
  ],
  [
    'a user pointer decoded with the 20-bit index split',
    'rfc-rev',
    { ...ring([{ plain: { size: 64 } }], { abi: 'rfc-rev' }), steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }] },
    'buffer 0 holds a user pointer, decoded with the 20-bit index split it may name registered buffer 0',
  ],
  [
    'a send source in a registered buffer that does not exist, at an address that may be mapped',
    'baseline',
    { steps: [{ send: { len: 8, source: { regbuf: { index: 5, offset: 0x500000 } } } }] },
    'address 5242880 (regbuf 5 does not exist) may be mapped',
  ],
  [
    'a send source running past its registered buffer',
    'baseline',
    { registered_buffers: { count: 1, size: 4096 }, steps: [{ send: { len: 5000, source: { regbuf: { index: 0, offset: 100 } } } }] },
    'regbuf[0] + 100 + 5000 runs past the buffer into memory the model does not know',
  ],
  [
    'a send bundle that may complete short',
    'baseline',
    {
      socket: { sndbuf: 4096 },
      ...ring([{ plain: { size: 60000 } }, { plain: { size: 60000 } }]),
      steps: [{ send: { buf_group: 1, msg_flags: ['DONTWAIT'], flags: ['BUNDLE'] } }],
    },
    "a send bundle that may complete short: rounds and head then depend on the kernel's choice",
  ],
  [
    'a send bundle over an address the model does not know',
    'baseline',
    { ...ring([{ raw: { addr: '0x1000', len: 64 } }]), steps: [{ send: { buf_group: 1, flags: ['BUNDLE'] } }] },
    'send bundle over buffer 0, whose addr is not user memory the model knows',
  ],
  [
    'a send_zc cancelled by its link',
    'baseline',
    { steps: [{ send: { len: 8, sqe_flags: ['IO_LINK'] } }, { send_zc: plain(8) }] },
    'a send_zc cancelled by its link: the base posts -ECANCELED without F_MORE and still flushes a notification; the intended protocol is not settled',
  ],
  [
    'an io_init_req failure inside a link chain',
    'baseline',
    { steps: [{ send: { ...plain(8), sqe_flags: ['IO_LINK'] } }, { send_zc: { ...plain(8), flags: ['BUNDLE'] } }] },
    'a request that fails in io_init_req inside a link chain (the chain head is failed too)',
  ],
  [
    'a linked request that may complete short',
    'baseline',
    {
      socket: { sndbuf: 4096 },
      steps: [{ send: { ...plain(100000), msg_flags: ['DONTWAIT'], sqe_flags: ['IO_LINK'] } }, { send: plain(8) }],
    },
    "a linked request that may complete short: whether the next one is cancelled is the kernel's choice",
  ],
  [
    'a stream socket already full',
    'baseline',
    { steps: [{ send: { ...plain(70000), msg_flags: ['WAITALL'] } }, { send: plain(8) }] },
    '70000 unread bytes already fill the socket: a further send may block or fail with -EAGAIN',
  ],
  [
    'an AF_UNIX datagram the peer cannot read at once',
    'baseline',
    { socket: { type: 'unix-dgram' }, steps: [{ send: plain(70000) }] },
    'a 70000-byte datagram is larger than the 64 KiB the peer reads at once',
  ],
  [
    'a datagram bigger than SO_SNDBUF',
    'baseline',
    { socket: { type: 'udp', sndbuf: 2048 }, steps: [{ send: plain(4000) }] },
    'a 4000-byte datagram does not fit SO_SNDBUF 2048',
  ],
  [
    'AF_UNIX datagrams past the queue length',
    'baseline',
    { ring: { entries: 16 }, socket: { type: 'unix-dgram' }, steps: Array.from({ length: 11 }, () => ({ send: plain(8) })) },
    'more than 10 unread AF_UNIX datagrams block the sender',
  ],
  [
    "UDP datagrams past the peer's receive buffer",
    'baseline',
    { socket: { type: 'udp', rcvbuf: 4096 }, steps: [{ send: plain(3000) }, { send: plain(3000) }] },
    "unread datagrams may exceed the peer's receive buffer and be dropped",
  ],
  [
    'ring_add past the unconsumed entries',
    'baseline',
    {
      buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 8 } }] }],
      steps: [{ ring_add: { bgid: 1, buffers: [{ plain: { size: 8 } }, { plain: { size: 8 } }] } }, { send: { buf_group: 1 } }],
    },
    'ring 1: adding 2 entries to 1 unconsumed overflows its 2 slots',
  ],
];

describe('no oracle: where the model gives up, it says why', () => {
  for (const [what, profile, partial, reason] of ROWS)
    it(what, () => {
      expect(predict(scenario(partial), profile)).toEqual({ kind: 'no-oracle', reason });
    });

  it('a host kernel whose regbuf split was not probed: FIXED_BUF entries get no oracle', () => {
    // the 6.18 probe results (no regbufAbi), but accepting buffer select on SEND_ZC
    const host = { ...HOST_6_18, sendZcBufferSelect: true };
    const sc = scenario({
      registered_buffers: { count: 1, size: 4096 },
      ...ring([{ regbuf: { index: 0, offset: 0, len: 8 } }]),
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
    });
    expect(predict(sc, host)).toEqual({
      kind: 'no-oracle',
      reason: "the kernel's {index, offset} split for provided registered buffers is unknown (host without regbufAbi)",
    });
  });
  it('the name "host" without probed features: no oracle, and the scenario is not marked unrunnable', () => {
    expect(predict(scenario({ steps: [{ send: plain(8) }] }), 'host')).toEqual({
      kind: 'no-oracle',
      reason: 'the host profile needs the probed HostFeatures object, not the name "host"',
    });
  });
  it('unrunnable: SQEs an io_init_req failure left in a 2-entry SQ ring plus two new ones (the program stops with sq_full)', () => {
    // step 1 fails in io_init_req (buffer select on SEND_ZC, baseline): io_submit_sqes stops, step 2 stays in the SQ ring
    const steps = [{ send_zc: { buf_group: 1 } }, { send: plain(8) }, { submit: {} }, { send: plain(8) }, { send: plain(8) }];
    expect(predict(scenario({ ring: { entries: 2 }, steps }), 'baseline')).toEqual({
      kind: 'no-oracle',
      reason: 'step 5: 1 request(s) a failed submission left in the SQ ring and 2 new one(s) do not fit its 2 entries',
      unrunnable: true,
    });
  });
  it('an Unpredictable that escaped predict() names itself in the stack trace', () => {
    const e = new Unpredictable('why');
    expect([e.name, e.message, e.reason, e.unrunnable]).toEqual(['Unpredictable', 'why', 'why', false]);
  });
  it('the same scenarios one step short of each limit have an oracle', () => {
    const ok: [ProfileName, Record<string, unknown>][] = [
      ['baseline', { steps: [{ send: { ...plain(65000), msg_flags: ['WAITALL'] } }, { send: plain(8) }] }],
      ['baseline', { socket: { type: 'unix-dgram' }, steps: [{ send: plain(65536) }] }],
      ['baseline', { socket: { type: 'udp', sndbuf: 4000 }, steps: [{ send: plain(4000) }] }],
      [
        'baseline',
        { ring: { entries: 16 }, socket: { type: 'unix-dgram' }, steps: Array.from({ length: 10 }, () => ({ send: plain(8) })) },
      ],
      ['baseline', { steps: [{ send: { len: 8, source: { regbuf: { index: 5, offset: 0x3fffff } } } }] }],
      [
        'baseline',
        {
          buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 8 } }] }],
          steps: [{ ring_add: { bgid: 1, buffers: [{ plain: { size: 8 } }] } }, { send: { buf_group: 1 } }],
        },
      ],
      [
        'baseline',
        { registered_buffers: { count: 1, size: 4096 }, steps: [{ send: { len: 3996, source: { regbuf: { index: 0, offset: 100 } } } }] },
      ],
      ['rfc-v1', { ...ring([{ raw: { addr: '0x1000', len: 64 } }]), steps: [{ send_zc: { buf_group: 1 } }] }],
    ];
    for (const [profile, partial] of ok) expect(predict(scenario(partial), profile).kind, JSON.stringify(partial)).toBe('prediction');
  });
});
