// The model's edges, one step either side: user addresses no program maps,
// registered-buffer indexes and offsets, source ranges, and which failures
// cancel the request linked after them. Every value written out.
import { describe, expect, it } from 'vitest';
import { predict, type ProfileName } from '../../src/model/index.ts';
import { cqesOf, finalHead, scenario } from './helpers.ts';

const plain = (len: number) => ({ len, source: { plain: { size: len } } });
const first = (profile: ProfileName, partial: Record<string, unknown>) => {
  const p = predict(scenario(partial), profile);
  return p.kind === 'prediction' ? cqesOf(p)['1']![0] : p.reason;
};

describe('user addresses a program never maps (a ring entry picked by send_zc, no FIXED_BUF)', () => {
  const at = (addr: string) =>
    first('rfc-v1', {
      buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ raw: { addr, len: 8 } }] }],
      steps: [{ send_zc: { buf_group: 1 } }],
    });
  const maybe = (addr: string) => `provided buffer 0 has addr ${addr} used as user memory: the model does not know what is mapped there`;
  it('below the 4 MiB text, between 4 GiB and 0x5000_0000_0000, and past 47 bits: -EFAULT; elsewhere no oracle', () => {
    const efault = [-14, 2 | (1 | (0 << 16))];
    expect(at('0x3fffff')).toEqual(efault);
    expect(at('0x400000')).toBe(maybe('0x400000'));
    expect(at('0xffffffff')).toBe(maybe('0xffffffff'));
    expect(at('0x100000000')).toEqual(efault);
    expect(at('0x4fffffffffff')).toEqual(efault);
    expect(at('0x500000000000')).toBe(maybe('0x500000000000'));
    expect(at('0x7fffffffffff')).toBe(maybe('0x7fffffffffff'));
    expect(at('0x800000000000')).toEqual(efault);
  });
});

describe('registered buffers named by a FIXED_BUF ring entry (rfc-v1)', () => {
  const reg = { registered_buffers: { count: 2, size: 4096 } };
  const entry = (e: unknown) =>
    first('rfc-v1', {
      ...reg,
      buffer_rings: [{ bgid: 1, entries: 2, buffers: [e] }],
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
    });
  it('the last index sends, the table size is -EFAULT', () => {
    expect(entry({ regbuf: { index: 1, offset: 0, len: 8 } })).toEqual([8, 2 | 1]);
    expect(entry({ regbuf: { index: 2, offset: 0, len: 8 } })).toEqual([-14, 2]);
  });
  it('a plain user pointer decoded with the 32-bit index split is never a table slot: -EFAULT, nothing consumed', () => {
    const sc = scenario({
      ...reg,
      buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 8 } }] }],
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }, { wait: { cqes: 1 } }],
    });
    expect(cqesOf(predict(sc, 'rfc-v1'))['1']![0]).toEqual([-14, 2]);
    expect(finalHead(predict(sc, 'rfc-v1'), 1)).toBe(0);
  });
});

describe('a send source in a registered buffer', () => {
  const src = (index: number, offset: number, len: number) =>
    first('baseline', { registered_buffers: { count: 1, size: 4096 }, steps: [{ send: { len, source: { regbuf: { index, offset } } } }] });
  it('up to the buffer end sends; one byte past is no oracle', () => {
    expect(src(0, 96, 4000)).toEqual([4000, 0]);
    expect(src(0, 96, 4001)).toBe('regbuf[0] + 96 + 4001 runs past the buffer into memory the model does not know');
  });
  it('an index past the table: its offset is the address, -EFAULT below 4 MiB', () => {
    expect(src(3, 0x3fffff, 8)).toEqual([-14, 0]);
    expect(src(3, 0x400000, 8)).toBe('address 4194304 (regbuf 3 does not exist) may be mapped');
  });
});

describe('which failures cancel the request linked after them', () => {
  const rings = { buffer_rings: [{ bgid: 1, entries: 2 }] };
  const then = { send: plain(3) };
  const chain = (failing: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    cqesOf(predict(scenario({ ...rings, ...extra, steps: [{ send: { ...failing, sqe_flags: ['IO_LINK'] } }, then] }), 'baseline'));
  it('a NULL source, an unmapped buffer, an empty group cancel it; a zero-length send completes and does not', () => {
    expect(chain({ len: 8 })).toEqual({ '1': [[-14, 0]], '2': [[-125, 0]] });
    expect(chain({ buf_group: 2 }, { buffer_rings: [{ bgid: 2, entries: 2, buffers: [{ raw: { addr: '0x1000', len: 8 } }] }] })).toEqual({
      '1': [[-14, 1]],
      '2': [[-125, 0]],
    });
    expect(chain({ buf_group: 1, flags: ['BUNDLE'] })).toEqual({ '1': [[-105, 0]], '2': [[-125, 0]] });
    expect(chain({ len: 0 })).toEqual({ '1': [[0, 0]], '2': [[3, 0]] });
  });
  it('an -EAGAIN made final by POLL_FIRST + MSG_DONTWAIT cancels it (io_queue_async fails a REQ_F_NOWAIT request)', () => {
    const pf = { len: 8, source: { plain: { size: 8 } }, flags: ['POLL_FIRST'], msg_flags: ['DONTWAIT'] };
    expect(chain(pf)).toEqual({ '1': [[-11, 0]], '2': [[-125, 0]] });
  });
  it('a send_zc failing at issue (AF_UNIX has no SOCK_SUPPORT_ZC) cancels it, after its F_MORE result and notification', () => {
    const sc = scenario({
      socket: { type: 'unix-stream' },
      steps: [{ send_zc: { ...plain(8), sqe_flags: ['IO_LINK'] } }, then],
    });
    expect(cqesOf(predict(sc, 'baseline'))).toEqual({
      '1': [
        [-95, 2],
        [0, 8],
      ],
      '2': [[-125, 0]],
    });
  });
  it('a send bundle that completes does not cancel; one over a buffer that faults does', () => {
    const ok = { buffer_rings: [{ bgid: 2, entries: 2, buffers: [{ plain: { size: 8 } }] }] };
    expect(chain({ buf_group: 2, flags: ['BUNDLE'] }, ok)).toEqual({ '1': [[8, 1]], '2': [[3, 0]] });
  });
});
