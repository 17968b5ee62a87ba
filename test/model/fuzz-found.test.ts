// Where the model was wrong and `uringspec fuzz` showed it (10-minute run of
// seed 1 on the RFC kernel, 2026-11-28): each case is the minimized scenario
// the fuzzer saved, the kernel's answer on the RFC guest and on the host
// (6.18) written out, and the step either side of the edge. Before the fixes
// these were reported as kernel findings; the kernel was right each time.
import { describe, expect, it } from 'vitest';
import { predict } from '../../src/model/index.ts';
import { asPrediction, cqesOf, scenario } from './helpers.ts';

const EFAULT = -14;
const EMSGSIZE = -90;
const EOVERFLOW = -75;

describe('a send from an address nothing maps, on UDP: the datagram size is checked before any byte is copied', () => {
  // udp_sendmsg -> __ip_append_data: "cork->length + length > maxnonfraglen - fragheaderlen" -> -EMSGSIZE
  const nullSend = (op: 'send' | 'send_zc', len: number) =>
    cqesOf(predict(scenario({ socket: { type: 'udp' }, steps: [{ [op]: { len } }] }), 'rfc-v1'))['1']![0]![0];
  it('65535 bytes from NULL: -EMSGSIZE (seen on both kernels), 65507: -EFAULT, on send and send_zc', () => {
    for (const op of ['send', 'send_zc'] as const) {
      expect(nullSend(op, 65535)).toBe(EMSGSIZE);
      expect(nullSend(op, 65508)).toBe(EMSGSIZE);
      expect(nullSend(op, 65507)).toBe(EFAULT);
    }
  });
  it('on TCP the fault stays', () => {
    expect(cqesOf(predict(scenario({ steps: [{ send: { len: 65535 } }] }), 'rfc-v1'))['1']![0]![0]).toBe(EFAULT);
  });
  it('a picked ring entry at an unmapped address, 70000 bytes over UDP: -EMSGSIZE, 8 bytes: -EFAULT', () => {
    const raw = (len: number) =>
      cqesOf(
        predict(
          scenario({
            socket: { type: 'udp' },
            buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ raw: { addr: '0x1000', len } }] }],
            steps: [{ send: { buf_group: 1 } }],
          }),
          'rfc-v1',
        ),
      )['1']![0]![0];
    expect(raw(70000)).toBe(EMSGSIZE);
    expect(raw(8)).toBe(EFAULT);
  });
});

describe('a picked buffer of no bytes at an address nothing maps: nothing is copied, so nothing faults', () => {
  // the fuzzer's case: a classic buffer of len 0 whose rfc-rev addr (index 2^20-1, offset 65537) maps nothing;
  // io_provided_buffer_select takes len 0, import_ubuf(addr, 0) passes access_ok, the send sends 0 bytes
  const classic = (len: number) =>
    predict(
      scenario({
        provided_buffers: [{ bgid: 1, bid: 7, abi: 'rfc-rev', regbuf: { index: 1048575, offset: 65537, len } }],
        steps: [{ send: { len: 65508, buf_group: 1 } }],
      }),
      'rfc-v1',
    );
  it('len 0: res 0 with bid 7 (got 0 on the RFC); len 1: -EFAULT', () => {
    const F_BUFFER = 1;
    expect(cqesOf(classic(0))['1']).toEqual([[0, F_BUFFER | (7 << 16)]]);
    expect(cqesOf(classic(1))['1']).toEqual([[EFAULT, F_BUFFER | (7 << 16)]]);
  });
});

describe('PROVIDE_BUFFERS checks its range as user memory (io_provide_buffers_prep access_ok)', () => {
  const provide = (index: number, offset: number, len: number, abi = 'rfc-v1') =>
    asPrediction(
      predict(
        scenario({
          provided_buffers: [{ bgid: 3, bid: 0, abi, regbuf: { index, offset, len } }],
          steps: [{ send: { len: 0 } }],
        }),
        'rfc-v1',
      ),
    ).setupFailure;
  it('index 2^20-1 at offset 2^32-1 (rfc-v1: addr 0xfffffffff000fffff... past 47 bits): -EFAULT at setup', () => {
    // the fuzzer's case: rfc-v1 puts the offset in the high 32 bits, so the addr is far past the user range
    expect(provide(1048575, 4294967295, 8191)).toEqual({ what: 'provide_buffers', res: EFAULT, rule: 'setup.provide-range' });
  });
  it('the range ending at USER_PTR_MAX (2^47 - 4096) is taken; one byte more is -EFAULT', () => {
    // rfc-v1: addr = index | offset << 32; offset 0x7fff, index 0 -> 0x7fff_0000_0000; USER_PTR_MAX = 0x7fff_ffff_f000
    const fits = 0xfffff000;
    expect(provide(0, 0x7fff, fits)).toBeUndefined();
    expect(provide(0, 0x7fff, fits + 1)).toEqual({ what: 'provide_buffers', res: EFAULT, rule: 'setup.provide-range' });
  });
  it('a range that wraps past 2^64: -EOVERFLOW (check_add_overflow comes before access_ok)', () => {
    // rfc-rev: addr = index | offset << 20; offset 2^44 - 1 -> addr 0xffff_ffff_fff0_0000 + index
    expect(provide(0, 2 ** 44 - 1, 0x100000, 'rfc-rev')).toEqual({ what: 'provide_buffers', res: EOVERFLOW, rule: 'setup.provide-range' });
    expect(provide(0, 2 ** 44 - 1, 0xfffff, 'rfc-rev')).toEqual({ what: 'provide_buffers', res: EFAULT, rule: 'setup.provide-range' });
  });
});

describe('a plain ring entry whose len claims more than its memory holds', () => {
  const entry = (len: number, sendLen: number) =>
    predict(
      scenario({
        buffer_rings: [{ bgid: 1, entries: 1, buffers: [{ plain: { size: 1, len } }] }],
        steps: [{ send: { len: sendLen, buf_group: 1 } }],
      }),
      'rfc-v1',
    );
  it('the kernel reads on past the buffer (got 98223, 130964 and 196500 bytes in three runs): no oracle', () => {
    const p = entry(4294967294, 0);
    expect(p.kind).toBe('no-oracle');
    expect(p.kind === 'no-oracle' && p.reason).toMatch(/^provided buffer 0 claims \d+ bytes of the 1 its memory holds/);
  });
  it('a send len that caps it inside the buffer keeps the oracle', () => {
    expect(cqesOf(entry(4294967294, 1))['1']).toEqual([[1, 1]]);
  });
});

describe('POLL_FIRST completes from task work, after the requests issued inline in its submission', () => {
  const two = (flags: string[], msg: string[] = [], ring: Record<string, unknown> = {}) =>
    predict(
      scenario({
        ring: { entries: 8, flags: [], ...ring },
        steps: [
          { send: { len: 8, source: { plain: { size: 8 } }, flags, msg_flags: msg } },
          { send: { len: 8, source: { plain: { size: 8 } } } },
        ],
      }),
      'rfc-v1',
    );
  it('with another request in the same submission it runs after it: its CQE, picked buffer and bytes come second (the fuzzer saw 4, 3 for 3, 4)', () => {
    const p = asPrediction(two(['POLL_FIRST']));
    expect(p.requests.map((r) => r.step)).toEqual([2, 1]);
    expect(p.peer.chunks.map((c) => c.userData)).toEqual([2n, 1n]);
    expect(p.rules).toContain('sqe.poll-first');
    const ring = asPrediction(
      predict(
        scenario({
          buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 8 } }, { plain: { size: 16 } }] }],
          steps: [{ send: { buf_group: 1, flags: ['POLL_FIRST'] } }, { send: { buf_group: 1 } }],
        }),
        'rfc-v1',
      ),
    );
    // step 2 picks the head entry (bid 0, 8 bytes), step 1 the next (bid 1, 16 bytes)
    expect(cqesOf(ring)).toEqual({ '1': [[16, 1 | (1 << 16)]], '2': [[8, 1 | (0 << 16)]] });
  });
  it('in a submission with a link or a drain: no oracle', () => {
    const linked = predict(
      scenario({
        steps: [
          { send: { len: 8, source: { plain: { size: 8 } }, flags: ['POLL_FIRST'] } },
          { send: { len: 8, source: { plain: { size: 8 } }, sqe_flags: ['IO_LINK'] } },
          { send: { len: 8, source: { plain: { size: 8 } } } },
        ],
      }),
      'rfc-v1',
    );
    expect(linked.kind === 'no-oracle' && linked.reason).toBe(
      "step 1: a POLL_FIRST request in a submission with links or drains (which requests wait for its task work is the kernel's)",
    );
  });
  it('a request after an io_init_req failure is not submitted, a POLL_FIRST one before it still runs', () => {
    // step 2: BUNDLE without buffer select fails in prep (-EINVAL, send.bundle-needs-select), so step 3 stays queued
    const p = asPrediction(
      predict(
        scenario({
          steps: [
            { send: { len: 8, source: { plain: { size: 8 } }, flags: ['POLL_FIRST'] } },
            { send: { len: 8, source: { plain: { size: 8 } }, flags: ['BUNDLE'] } },
            { send: { len: 4, source: { plain: { size: 4 } } } },
          ],
        }),
        'rfc-v1',
      ),
    );
    // step 3 stays in the SQ ring: no later io_uring_submit, the end only reaps
    expect(p.requests.map((r) => [r.step, r.cqes[0]!.res])).toEqual([
      [2, { exact: -22 }],
      [1, { exact: 8 }],
    ]);
  });
  it('alone in its submission, or with MSG_DONTWAIT (-EAGAIN at once), or without POLL_FIRST: an oracle', () => {
    const alone = predict(
      scenario({
        steps: [
          { send: { len: 8, source: { plain: { size: 8 } }, flags: ['POLL_FIRST'] } },
          { submit: {} },
          { send: { len: 8, source: { plain: { size: 8 } } } },
        ],
      }),
      'rfc-v1',
    );
    expect(cqesOf(alone)).toEqual({ '1': [[8, 0]], '3': [[8, 0]] });
    expect(cqesOf(two(['POLL_FIRST'], ['DONTWAIT']))['1']![0]![0]).toBe(-11);
    expect(cqesOf(two([]))).toEqual({ '1': [[8, 0]], '2': [[8, 0]] });
  });
  it('on a DEFER_TASKRUN ring the task work waits for a wait: a step before one gives up, a wait first keeps the oracle', () => {
    const defer = { flags: ['DEFER_TASKRUN', 'SINGLE_ISSUER'] };
    const op = (flags: string[] = []) => ({ send: { len: 8, source: { plain: { size: 8 } }, flags } });
    const noWait = predict(scenario({ ring: { entries: 8, ...defer }, steps: [op(['POLL_FIRST']), { submit: {} }, op()] }), 'rfc-v1');
    expect(noWait.kind === 'no-oracle' && noWait.reason).toMatch(
      /^step 3 \(send\) comes before a wait after the POLL_FIRST \(DEFER_TASKRUN\) request of step 1/,
    );
    const waited = predict(
      scenario({ ring: { entries: 8, ...defer }, steps: [op(['POLL_FIRST']), { wait: { cqes: 1 } }, op()] }),
      'rfc-v1',
    );
    expect(cqesOf(waited)).toEqual({ '1': [[8, 0]], '3': [[8, 0]] });
  });
});

describe('requests the kernel runs out of submission order: a drained one, an open link', () => {
  const op = (len: number, sqe_flags: string[] = [], flags: string[] = []) => ({
    send: { len, source: { plain: { size: Math.max(1, len) } }, sqe_flags, flags },
  });
  const reason = (steps: unknown[], extra: Record<string, unknown> = {}) => {
    const p = predict(scenario({ ...extra, steps }), 'rfc-v1');
    return p.kind === 'no-oracle' ? p.reason : 'oracle';
  };
  it('IO_DRAIN with nothing in flight runs after the request submitted behind it (the fuzzer saw datagrams 0, 125): no oracle; drained last: an oracle', () => {
    expect(reason([op(125, ['IO_DRAIN']), op(0)], { socket: { type: 'unix-dgram' } })).toBe(
      'step 1: a drained request with requests submitted after it (io_drain_req runs it from task work after them, or defers them behind it, by what is still in flight)',
    );
    expect(reason([op(125), op(0, ['IO_DRAIN'])], { socket: { type: 'unix-dgram' } })).toBe('oracle');
    expect(reason([op(125, ['IO_DRAIN']), { submit: {} }, op(0)], { socket: { type: 'unix-dgram' } })).toBe('oracle');
  });
  it('POLL_FIRST on a link left open at the end of the submission goes to io-wq (-EAGAIN on the RFC, -ECANCELED on 6.18): no oracle', () => {
    expect(reason([op(8, ['IO_LINK'], ['POLL_FIRST'])])).toMatch(
      /^step 1: a POLL_FIRST request left as an open link at the end of its submission goes to io-wq/,
    );
    expect(reason([op(8, ['IO_LINK'])])).toBe('oracle');
    expect(reason([op(8, [], ['POLL_FIRST'])])).toBe('oracle');
  });
});

describe('IOSQE_ASYNC: io-wq runs the request beside the program', () => {
  const op = (sqe_flags: string[] = []) => ({ send: { buf_group: 1, sqe_flags } });
  const rings = { buffer_rings: [{ bgid: 1, entries: 4, buffers: [{ plain: { size: 8 } }, { plain: { size: 16 } }] }] };
  const reason = (steps: unknown[]) => {
    const p = predict(scenario({ ...rings, steps }), 'rfc-v1');
    return p.kind === 'no-oracle' ? p.reason : 'oracle';
  };
  it('a request after it before a wait may pick first (the fuzzer saw bid 1 for bid 0 in 1 of 2 runs): no oracle', () => {
    expect(reason([op(['ASYNC']), op()])).toBe(
      'step 1: an IOSQE_ASYNC request with requests submitted after it (io-wq runs it beside them)',
    );
    expect(reason([op(['ASYNC']), { submit: {} }, op()])).toBe(
      "step 3 (send) comes before a wait after the IOSQE_ASYNC request of step 1: whether that request has run yet is the kernel's choice",
    );
  });
  it('alone, last, or with a wait before the next request: an oracle', () => {
    expect(reason([op(['ASYNC'])])).toBe('oracle');
    expect(reason([op(), op(['ASYNC'])])).toBe('oracle');
    expect(reason([op(['ASYNC']), { wait: { cqes: 1 } }, op()])).toBe('oracle');
  });
});
