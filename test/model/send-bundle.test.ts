// The rounds of a send bundle (6.12 io_send + io_send_finish +
// io_mshot_prep_retry, rules send.bundle-rounds and send.bundle-empty-check):
// only the first round is capped by the sqe len, a round that stops on the cap
// does not empty the ring so one more round runs, a round that fails or sends
// nothing ends the bundle, and a bundle waits for every byte. Each expectation
// is written out from those rules; the mutation run (issue 14) showed no other
// test pinned them.
import { describe, expect, it } from 'vitest';
import { predict, CQE_F } from '../../src/model/index.ts';
import { asPrediction, cqesOf, finalHead, scenario } from './helpers.ts';

const bid = (b: number) => CQE_F.BUFFER | (b << 16);
const plain = (size: number) => ({ plain: { size } });
const ring = (buffers: unknown[], entries = 4) => ({ buffer_rings: [{ bgid: 1, entries, buffers }] });
const bundle = (more: Record<string, unknown> = {}) => ({ send: { buf_group: 1, flags: ['BUNDLE'], ...more } });

describe('send bundle rounds (baseline, 6.12)', () => {
  it('send.bundle-rounds: the sqe len caps the first round only; io_mshot_prep_retry clears it, so the next round takes the rest', () => {
    // round 1: cap 8 takes entry 0 (ceil(8/8) = 1 entry, kbuf.peek-needed); round 2 uncapped takes entries 1 and 2 and empties the ring
    const p = predict(scenario({ ...ring([plain(8), plain(8), plain(8)]), steps: [bundle({ len: 8 })] }), 'baseline');
    expect(cqesOf(p)).toEqual({
      '1': [
        [8, CQE_F.MORE | bid(0)],
        [16, bid(1)],
      ],
    });
    expect(finalHead(p, 1)).toBe(3);
  });

  it('send.bundle-empty-check: a round that stops on the cap leaves head != tail, so one more round runs and fails with -ENOBUFS', () => {
    const p = asPrediction(predict(scenario({ ...ring([plain(64)], 2), steps: [bundle({ len: 64 })] }), 'baseline'));
    expect(cqesOf(p)).toEqual({
      '1': [
        [64, CQE_F.MORE | bid(0)],
        [-105, 0],
      ],
    });
    expect(p.requests[0]!.cqes[1]).toMatchObject({ kind: 'result', resRule: 'send.bundle-empty-check', flagsRule: 'send.result' });
    expect(finalHead(p, 1)).toBe(1);
    // ceil(64 / 64) = 1 entry needed and 1 available: the peek limit cut nothing (no kbuf.peek-needed)
    expect(p.rules).toEqual([
      'kbuf.commit-at-select',
      'kbuf.empty',
      'kbuf.len-cap',
      'kbuf.ring-order',
      'ring.head',
      'send.bundle-empty-check',
      'send.bundle-rounds',
      'send.result',
      'sock.stream-full',
      'sock.waitall',
    ]);
  });

  it('kbuf.empty: a bundle whose first round finds the ring empty is plain -ENOBUFS, not the empty check', () => {
    const p = asPrediction(predict(scenario({ ...ring([], 2), steps: [bundle()] }), 'baseline'));
    expect(cqesOf(p)).toEqual({ '1': [[-105, 0]] });
    expect(p.requests[0]!.cqes[0]).toMatchObject({ resRule: 'kbuf.empty', flagsRule: 'send.result' });
    expect(p.rules).toEqual(['kbuf.empty', 'ring.head', 'send.bundle-rounds', 'send.result']);
  });

  it('kbuf.peek-needed: an uncapped round looks at 256 entries at most (needed = ceil(INT_MAX / len), capped at PEEK_MAX_IMPORT)', () => {
    const p = asPrediction(
      predict(
        scenario({
          ...ring(
            Array.from({ length: 257 }, () => plain(1)),
            512,
          ),
          steps: [bundle()],
        }),
        'baseline',
      ),
    );
    expect(cqesOf(p)).toEqual({
      '1': [
        [256, CQE_F.MORE | bid(0)],
        [1, bid(256)],
      ],
    });
    expect(p.rules).toContain('kbuf.peek-needed');
    expect(p.rules).not.toContain('kbuf.len-cap');
  });

  it('sock.waitall: a bundle bigger than SO_SNDBUF completes with every byte (io_send min_ret for bundles)', () => {
    const p = predict(scenario({ socket: { sndbuf: 4096 }, ...ring([plain(8000)], 2), steps: [bundle()] }), 'baseline');
    expect(cqesOf(p)).toEqual({ '1': [[8000, bid(0)]] });
    expect(asPrediction(p).requests[0]!.cqes[0]!.resRule).toBe('sock.waitall');
  });

  it('io_send_finish bundle_finished (ret <= 0): a round that fails ends the bundle, sends nothing and cancels the linked request', () => {
    // UDP: round 1 takes 2 x 40000 (cap 80000, ceil(80000/40000) = 2 entries) and stops on the cap, ring not empty;
    // 80000 bytes are past 65507: -EMSGSIZE (sock.dgram). The bundle ends there: no round for the third entry.
    const p = asPrediction(
      predict(
        scenario({
          socket: { type: 'udp' },
          ...ring([plain(40000), plain(40000), plain(8)]),
          steps: [bundle({ len: 80000, sqe_flags: ['IO_LINK'] }), { send: { len: 3, source: { plain: { size: 3 } } } }],
        }),
        'baseline',
      ),
    );
    expect(cqesOf(p)).toEqual({ '1': [[-90, bid(0)]], '2': [[-125, 0]] });
    expect(p.peer.chunks).toEqual([]);
    expect(finalHead(p, 1)).toBe(2);
  });
});
