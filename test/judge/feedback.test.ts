// The fuzzer's per-request feedback (src/judge/feedback.ts requestFeedback):
// the kind of each predicted request with the rules its CQEs follow, and how
// full its bytes make a stream socket. Expected features written out from the
// scenario: the model decides the rules, the buckets are arithmetic here.
import { describe, expect, it } from 'vitest';
import { requestFeedback, type FuzzObservation } from '../../src/judge/feedback.ts';
import { predict } from '../../src/model/index.ts';
import { scenario } from '../model/helpers.ts';

const features = (partial: Record<string, unknown>) => {
  const sc = scenario(partial);
  return [...requestFeedback.features({ scenario: sc, prediction: predict(sc, 'rfc-v1') } as FuzzObservation)];
};

describe('requestFeedback', () => {
  it('a FIXED_BUF bundle of 90000 bytes over a 4096-byte send buffer: its kind with sock.waitall, and fill-over', () => {
    expect(
      features({
        socket: { sndbuf: 4096 },
        registered_buffers: { count: 1, size: 90112 },
        buffer_rings: [
          {
            bgid: 1,
            entries: 4,
            buffers: [0, 30000, 60000].map((offset) => ({ regbuf: { index: 0, offset, len: 30000 } })),
          },
        ],
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF', 'BUNDLE'] } }],
      }),
    ).toEqual([
      'send_zc+fixed+bundle+select:sock.waitall',
      'send_zc+fixed+bundle+select:zc.two-cqes',
      'send_zc+fixed+bundle+select:fill-over',
    ]);
  });
  it('fill buckets against the default 64 KiB: 8192 bytes an eighth, 8193 a quarter, 65536 all; a datagram none', () => {
    const send = (len: number, socket = {}) => features({ socket, steps: [{ send: { len, source: { plain: { size: len } } } }] });
    expect(send(8192)).toEqual(['send:sock.stream-full', 'send:fill-1/8']);
    expect(send(8193)).toEqual(['send:sock.stream-full', 'send:fill-1/4']);
    expect(send(32768)).toEqual(['send:sock.stream-full', 'send:fill-1/2']);
    expect(send(65536)).toEqual(['send:sock.stream-full', 'send:fill-all']);
    expect(send(100, { type: 'udp' })).toEqual(['send:sock.dgram']);
  });
  it('a failed request has its rule and no fill; no oracle gives nothing', () => {
    expect(features({ steps: [{ send: { len: 8 } }] })).toEqual(['send:send.null-buffer']);
    expect(features({ steps: [{ send: { len: 8, source: { plain: { size: 8 } }, msg_flags: ['MORE'] } }] })).toEqual([]);
  });
});
