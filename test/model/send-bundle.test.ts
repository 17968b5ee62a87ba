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
});
