// Which rules a prediction says it used (what fuzz feedback counts and a
// report cites), and the per-scenario bookkeeping around requests: completion
// order, datagram streams, link chains, the peer's drain. Every list is
// written out from the path each scenario takes through the patch and the base.
import { describe, expect, it } from 'vitest';
import { predict, type ProfileName } from '../../src/model/index.ts';
import { asPrediction, cqesOf, scenario } from './helpers.ts';

const plain = (len: number) => ({ len, source: { plain: { size: len } } });
const reg = { registered_buffers: { count: 1, size: 4096 } };
const rulesOf = (profile: ProfileName, partial: Record<string, unknown>) => asPrediction(predict(scenario(partial), profile)).rules;

describe('the rules a prediction used', () => {
  it('send_zc of user memory, with and without REPORT_USAGE', () => {
    expect(rulesOf('baseline', { steps: [{ send_zc: plain(8) }] })).toEqual(['sock.stream-full', 'zc.notif-after-result', 'zc.two-cqes']);
    expect(rulesOf('baseline', { steps: [{ send_zc: { ...plain(8), flags: ['REPORT_USAGE'] } }] })).toEqual([
      'sock.stream-full',
      'zc.notif-after-result',
      'zc.report-usage-copied',
      'zc.two-cqes',
    ]);
  });
  it('FIXED_BUF from a ring: one buffer, a bundle, a bundle whose second entry names no registered buffer', () => {
    const ring = (buffers: unknown[]) => ({ ...reg, buffer_rings: [{ bgid: 1, entries: 2, buffers }] });
    const one = { regbuf: { index: 0, offset: 0, len: 8 } };
    expect(rulesOf('rfc-v1', { ...ring([one]), steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }] })).toEqual([
      'kbuf.commit-at-select',
      'kbuf.ring-order',
      'rfc.addr-encoding',
      'rfc.regbuf-bytes',
      'rfc.zc-bufsel',
      'rfc.zc-bufsel-cqe',
      'ring.head',
      'sock.stream-full',
      'zc.notif-after-result',
      'zc.two-cqes',
    ]);
    const bundle = { buf_group: 1, flags: ['FIXED_BUF', 'BUNDLE'] };
    expect(rulesOf('rfc-v1', { ...ring([one, { regbuf: { index: 0, offset: 8, len: 8 } }]), steps: [{ send_zc: bundle }] })).toEqual([
      'kbuf.commit-at-select',
      'kbuf.ring-order',
      'rfc.addr-encoding',
      'rfc.regbuf-bytes',
      'rfc.zc-bufsel',
      'rfc.zc-bundle-cqe',
      'rfc.zc-bundle-flag',
      'rfc.zc-partial-keeps-buffers',
      'ring.head',
      'sock.stream-full',
      'zc.notif-after-result',
      'zc.two-cqes',
    ]);
    expect(rulesOf('rfc-v1', { ...ring([one, { regbuf: { index: 3, offset: 8, len: 8 } }]), steps: [{ send_zc: bundle }] })).toEqual([
      'kbuf.commit-at-select',
      'kbuf.ring-order',
      'rfc.addr-encoding',
      'rfc.map-fail-no-commit',
      'rfc.regbuf-index',
      'rfc.zc-bufsel',
      'rfc.zc-bundle-flag',
      'rfc.zc-nothing-sent-nothing-consumed',
      'ring.head',
      'zc.fail-more-notif',
      'zc.notif-after-result',
      'zc.two-cqes',
    ]);
    // the first entry failing is no "mapped some, then failed"
    expect(rulesOf('rfc-v1', { ...ring([{ regbuf: { index: 3, offset: 0, len: 8 } }, one]), steps: [{ send_zc: bundle }] })).not.toContain(
      'rfc.map-fail-no-commit',
    );
  });
  it('user memory picked by send_zc: from a ring, a classic bundle takes one buffer', () => {
    expect(
      rulesOf('rfc-v1', {
        buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 8 } }] }],
        steps: [{ send_zc: { buf_group: 1 } }],
      }),
    ).toEqual([
      'kbuf.commit-at-select',
      'kbuf.ring-order',
      'rfc.zc-bufsel',
      'rfc.zc-bufsel-cqe',
      'rfc.zc-plain-memory',
      'ring.head',
      'sock.stream-full',
      'zc.notif-after-result',
      'zc.two-cqes',
    ]);
    expect(
      rulesOf('rfc-v1', { provided_buffers: [{ bgid: 1, count: 2, size: 8 }], steps: [{ send_zc: { buf_group: 1, flags: ['BUNDLE'] } }] }),
    ).toEqual([
      'kbuf.classic-fifo',
      'kbuf.classic-send-no-cap',
      'rfc.classic-one-buffer',
      'rfc.zc-bufsel',
      'rfc.zc-bundle-cqe',
      'rfc.zc-bundle-flag',
      'rfc.zc-partial-keeps-buffers',
      'rfc.zc-plain-memory',
      'sock.stream-full',
      'zc.notif-after-result',
      'zc.two-cqes',
    ]);
    // one classic buffer without BUNDLE: not the one-buffer bundle rule
    expect(rulesOf('rfc-v1', { provided_buffers: [{ bgid: 1, count: 2, size: 8 }], steps: [{ send_zc: { buf_group: 1 } }] })).not.toContain(
      'rfc.classic-one-buffer',
    );
  });
  it('a classic buffer naming a registered buffer, with FIXED_BUF: decoded like a ring entry (rfc.classic-fixed)', () => {
    const sc = {
      ...reg,
      provided_buffers: [{ bgid: 1, bid: 3, regbuf: { index: 0, offset: 16, len: 32 } }],
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
    };
    expect(cqesOf(predict(scenario(sc), 'rfc-v1'))).toEqual({
      '1': [
        [32, 2 | 1 | (3 << 16)],
        [0, 8],
      ],
    });
    expect(rulesOf('rfc-v1', sc)).toEqual([
      'kbuf.classic-fifo',
      'kbuf.classic-send-no-cap',
      'rfc.addr-encoding',
      'rfc.classic-fixed',
      'rfc.regbuf-bytes',
      'rfc.zc-bufsel',
      'rfc.zc-bufsel-cqe',
      'sock.stream-full',
      'zc.notif-after-result',
      'zc.two-cqes',
    ]);
  });
  it('one ring entry cut by the sqe len, no BUNDLE: the cap (kbuf.len-cap), not the bundle truncation', () => {
    expect(
      rulesOf('baseline', {
        buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 64 } }] }],
        steps: [{ send: { buf_group: 1, len: 10 } }],
      }),
    ).toEqual(['kbuf.commit-at-select', 'kbuf.len-cap', 'kbuf.ring-order', 'ring.head', 'send.result', 'sock.stream-full']);
  });
  it('the rule each peer chunk cites: the RFC bytes only for provided registered buffers; a base FIXED_BUF send_zc or a plain entry is the stream', () => {
    const chunkRules = (profile: ProfileName, partial: Record<string, unknown>) =>
      asPrediction(predict(scenario(partial), profile)).peer.chunks.map((c) => [c.rule, c.sources]);
    expect(chunkRules('baseline', { steps: [{ send_zc: plain(8) }] })).toEqual([
      ['sock.stream-bytes', [{ buffer: 'step 1 source', offset: 0, len: 8 }]],
    ]);
    // io_send_zc_import + io_import_fixed (base): FIXED_BUF without a buffer group
    expect(
      chunkRules('baseline', {
        ...reg,
        steps: [{ send_zc: { len: 64, flags: ['FIXED_BUF'], source: { regbuf: { index: 0, offset: 0 } } } }],
      }),
    ).toEqual([['sock.stream-bytes', [{ buffer: 'regbuf[0]', offset: 0, len: 64 }]]]);
    const ring = (e: unknown) => ({ ...reg, buffer_rings: [{ bgid: 1, entries: 2, buffers: [e] }] });
    expect(chunkRules('rfc-v1', { ...ring({ plain: { size: 8 } }), steps: [{ send_zc: { buf_group: 1 } }] })).toEqual([
      ['sock.stream-bytes', [{ buffer: 'ring 1 entry 0', offset: 0, len: 8 }]],
    ]);
    expect(
      chunkRules('rfc-v1', {
        ...ring({ regbuf: { index: 0, offset: 8, len: 8 } }),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
    ).toEqual([['rfc.regbuf-bytes', [{ buffer: 'regbuf[0]', offset: 8, len: 8 }]]]);
  });
  it('a send bundle over three rounds; a failure cancelling the link after it; a setup failure alone', () => {
    expect(
      rulesOf('baseline', {
        buffer_rings: [{ bgid: 1, entries: 4, buffers: [{ plain: { size: 64 } }, { plain: { size: 32 } }, { plain: { size: 16 } }] }],
        steps: [{ send: { buf_group: 1, len: 80, flags: ['BUNDLE'] } }],
      }),
    ).toEqual([
      'kbuf.bundle-truncate',
      'kbuf.commit-at-select',
      'kbuf.len-cap',
      'kbuf.peek-needed',
      'kbuf.ring-order',
      'ring.head',
      'send.bundle-rounds',
      'send.result',
      'sock.stream-full',
      'sock.waitall',
    ]);
    expect(
      rulesOf('baseline', {
        buffer_rings: [{ bgid: 1, entries: 2 }],
        steps: [{ send: { buf_group: 1, sqe_flags: ['IO_LINK'] } }, { send: plain(3) }],
      }),
    ).toEqual(['kbuf.empty', 'link.cancel', 'ring.head', 'send.result']);
    expect(rulesOf('baseline', { ring: { flags: ['DEFER_TASKRUN'] }, steps: [{ submit: {} }] })).toEqual([
      'setup.defer-needs-single-issuer',
    ]);
  });
});

describe('per-scenario bookkeeping', () => {
  const p = (partial: Record<string, unknown>) => asPrediction(predict(scenario(partial), 'baseline'));
  it('completions in submission order unless ASYNC, IO_DRAIN or IO_LINK lets them go any way', () => {
    expect(p({ steps: [{ send: plain(8) }, { send: plain(8) }] }).resultOrder).toBe('submission');
    for (const f of ['ASYNC', 'IO_DRAIN', 'IO_LINK'])
      expect(p({ steps: [{ send: plain(8) }, { send: { ...plain(8), sqe_flags: [f] } }] }).resultOrder, f).toBe('any');
  });
  it('a datagram stream on UDP and AF_UNIX datagram sockets only', () => {
    expect(
      ['tcp', 'udp', 'unix-stream', 'unix-dgram'].map((type) => p({ socket: { type }, steps: [{ send: plain(8) }] }).peer.datagram),
    ).toEqual([false, true, false, true]);
  });
  it('a peer drain empties the socket: a send that would not fit then does', () => {
    const full = [{ send: { ...plain(65536) } }];
    expect(cqesOf(predict(scenario({ steps: [...full, { peer_drain: {} }, { send: plain(8) }] }), 'baseline'))['3']).toEqual([[8, 0]]);
    expect(predict(scenario({ steps: [...full, { submit: {} }, { send: plain(8) }] }), 'baseline').kind).toBe('no-oracle');
  });
  it("each ring gets its own entries: a send from the second of two rings takes that ring's buffer", () => {
    const two = {
      buffer_rings: [
        { bgid: 1, entries: 2, buffers: [{ bid: 4, plain: { size: 8 } }] },
        { bgid: 2, entries: 2, buffers: [{ bid: 5, plain: { size: 16 } }] },
      ],
    };
    const q = p({ ...two, steps: [{ send: { buf_group: 2 } }] });
    expect(cqesOf(q)).toEqual({ '1': [[16, 1 | (5 << 16)]] });
    expect(q.peer.chunks[0]!.sources).toEqual([{ buffer: 'ring 2 entry 0', offset: 0, len: 16 }]);
    expect(q.heads).toEqual([
      { step: 2, bgid: 1, head: 0, rule: 'ring.head' },
      { step: 2, bgid: 2, head: 1, rule: 'ring.head' },
    ]);
  });
  it('a link chain ends at its first unlinked request: a failure cancels only the rest of its own chain', () => {
    const fail = { send: { buf_group: 1, sqe_flags: ['IO_LINK'] } };
    const ok = (flags: string[] = []) => ({ send: { ...plain(3), sqe_flags: flags } });
    const rings = { buffer_rings: [{ bgid: 1, entries: 2 }] };
    // fail -> cancelled (linked) -> cancelled (chain end) | ok
    expect(cqesOf(predict(scenario({ ...rings, steps: [fail, ok(['IO_LINK']), ok(), ok()] }), 'baseline'))).toEqual({
      '1': [[-105, 0]],
      '2': [[-125, 0]],
      '3': [[-125, 0]],
      '4': [[3, 0]],
    });
    // a failed chain, then a new chain of two that succeeds: nothing of it cancelled
    expect(cqesOf(predict(scenario({ ...rings, steps: [fail, ok(), ok(['IO_LINK']), ok()] }), 'baseline'))).toEqual({
      '1': [[-105, 0]],
      '2': [[-125, 0]],
      '3': [[3, 0]],
      '4': [[3, 0]],
    });
    // a chain whose last request fails cancels nothing after it
    expect(cqesOf(predict(scenario({ ...rings, steps: [ok(['IO_LINK']), { send: { buf_group: 1 } }, ok()] }), 'baseline'))).toEqual({
      '1': [[3, 0]],
      '2': [[-105, 0]],
      '3': [[3, 0]],
    });
  });
});
