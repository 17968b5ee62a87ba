// The semantics the RFC thread states, one row per statement, each naming the
// message or patch it comes from. Every row runs against the profiles it
// concerns; the rows also pin down what the base kernel (baseline) does.
import { describe, expect, it } from 'vitest';
import { predict, CQE_F, NOTIF_ZC_COPIED, type ProfileName } from '../../src/model/index.ts';
import { asPrediction, cqesOf, finalHead, scenario } from './helpers.ts';

const F = CQE_F;
const bid = (b: number) => F.BUFFER | (b << 16);
const regRing = (entries: unknown[], abi = 'rfc-v1') => ({
  registered_buffers: { count: 2, size: 4096 },
  buffer_rings: [{ bgid: 1, entries: 8, abi, buffers: entries }],
});

describe('send_zc CQE protocol', () => {
  it('Jens 2024-10-24 14:43 "the usual two notifications": result with F_MORE, then F_NOTIF res 0 (all profiles)', () => {
    for (const prof of ['baseline', 'rfc-v1', 'rfc-rev'] as ProfileName[]) {
      const p = predict(scenario({ steps: [{ send_zc: { len: 100, source: { plain: { size: 100 } } } }] }), prof);
      expect(cqesOf(p)).toEqual({
        '1': [
          [100, F.MORE],
          [0, F.NOTIF],
        ],
      });
    }
  });
  it('io_notif_tw_complete: REPORT_USAGE on loopback reports ZC_COPIED', () => {
    const p = predict(scenario({ steps: [{ send_zc: { len: 8, flags: ['REPORT_USAGE'], source: { plain: { size: 8 } } } }] }), 'baseline');
    expect(cqesOf(p)['1']![1]).toEqual([NOTIF_ZC_COPIED, F.NOTIF]);
  });
  it('io_init_req (base): buffer select on SEND_ZC without the RFC is -EOPNOTSUPP, flags 0, no notification', () => {
    const p = predict(
      scenario({
        ...regRing([{ regbuf: { index: 0, offset: 0, len: 10 } }]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
      'baseline',
    );
    expect(cqesOf(p)).toEqual({ '1': [[-95, 0]] });
    expect(finalHead(p, 1)).toBe(0);
  });
  it('io_send_zc_prep (base): BUNDLE without the RFC is -EINVAL with F_MORE and a notification', () => {
    const p = predict(
      scenario({ steps: [{ send_zc: { len: 1, flags: ['BUNDLE', 'REPORT_USAGE'], source: { plain: { size: 1 } } } }] }),
      'baseline',
    );
    expect(cqesOf(p)).toEqual({
      '1': [
        [-22, F.MORE],
        [0, F.NOTIF],
      ],
    });
  });
  it('io_send_zc SOCK_SUPPORT_ZC (base): AF_UNIX fails at issue, F_MORE, notification; nothing picked (rfc)', () => {
    const p = predict(
      scenario({
        socket: { type: 'unix-stream' },
        ...regRing([{ regbuf: { index: 0, offset: 0, len: 10 } }]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
      'rfc-v1',
    );
    expect(cqesOf(p)).toEqual({
      '1': [
        [-95, F.MORE],
        [0, F.NOTIF],
      ],
    });
    expect(finalHead(p, 1)).toBe(0);
  });
});

describe('RFC: provided registered buffers (patches 5-7/7)', () => {
  it('Jens 2024-10-24 15:11 "a single one is posted ... with buffer ID": res, F_BUFFER|bid, F_MORE; then the notification', () => {
    const p = predict(
      scenario({
        ...regRing([{ bid: 7, regbuf: { index: 1, offset: 100, len: 50 } }]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
      'rfc-v1',
    );
    expect(cqesOf(p)).toEqual({
      '1': [
        [50, F.MORE | bid(7)],
        [0, F.NOTIF],
      ],
    });
    expect(asPrediction(p).peer.chunks[0]!.sources).toEqual([{ buffer: 'regbuf[1]', offset: 100, len: 50 }]);
    expect(finalHead(p, 1)).toBe(1);
  });
  it('Jens 2024-10-24 15:11 bundle: "the length will tell you how many consecutive buffers were sent", first bid', () => {
    const p = predict(
      scenario({
        ...regRing([
          { bid: 3, regbuf: { index: 0, offset: 0, len: 10 } },
          { bid: 4, regbuf: { index: 1, offset: 5, len: 20 } },
        ]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF', 'BUNDLE'] } }],
      }),
      'rfc-v1',
    );
    expect(cqesOf(p)).toEqual({
      '1': [
        [30, F.MORE | bid(3)],
        [0, F.NOTIF],
      ],
    });
    expect(finalHead(p, 1)).toBe(2);
  });
  it('Jens 2024-10-24 15:11 "partial send ... completion is posted at the end": a bundle bigger than SO_SNDBUF completes with all bytes', () => {
    const sc = scenario({
      socket: { sndbuf: 4096 },
      registered_buffers: { count: 1, size: 200000 },
      buffer_rings: [
        {
          bgid: 1,
          entries: 4,
          buffers: [{ regbuf: { index: 0, offset: 0, len: 100000 } }, { regbuf: { index: 0, offset: 100000, len: 100000 } }],
        },
      ],
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF', 'BUNDLE'] } }],
    });
    expect(cqesOf(predict(sc, 'rfc-v1'))['1']![0]).toEqual([200000, F.MORE | bid(0)]);
  });
  it('Jens 2024-10-24 15:11 "If it sends nothing, nothing is consumed": a later bad entry fails the bundle with head unchanged', () => {
    const p = predict(
      scenario({
        ...regRing([{ regbuf: { index: 0, offset: 0, len: 10 } }, { regbuf: { index: 9, offset: 0, len: 10 } }]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF', 'BUNDLE'] } }],
      }),
      'rfc-v1',
    );
    expect(cqesOf(p)).toEqual({
      '1': [
        [-14, F.MORE],
        [0, F.NOTIF],
      ],
    });
    expect(finalHead(p, 1)).toBe(0);
    expect(asPrediction(p).rules).toContain('rfc.map-fail-no-commit');
  });
  it('patch 6/7 io_ubuf_from_buf: index 65536 is past the table (-EFAULT), it does not alias 0', () => {
    const p = predict(
      scenario({
        ...regRing([{ regbuf: { index: 65536, offset: 0, len: 10 } }]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
      'rfc-v1',
    );
    expect(cqesOf(p)['1']![0]).toEqual([-14, F.MORE]);
  });
  it('patch 6/7 io_fill_bvecs: offset + len past the end is -EOVERFLOW, offset at the end -EFAULT', () => {
    const over = predict(
      scenario({
        ...regRing([{ regbuf: { index: 0, offset: 4000, len: 200 } }]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
      'rfc-v1',
    );
    const end = predict(
      scenario({
        ...regRing([{ regbuf: { index: 0, offset: 4096, len: 1 } }]),
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
      'rfc-v1',
    );
    expect(cqesOf(over)['1']![0]).toEqual([-75, F.MORE]);
    expect(cqesOf(end)['1']![0]).toEqual([-14, F.MORE]);
  });
  it('Jens 2024-10-24 22:46 "I changed it to 20/44": an addr encoded 20/44 decodes right only under rfc-rev', () => {
    const sc = scenario({
      ...regRing([{ regbuf: { index: 1, offset: 16, len: 64 } }], 'rfc-rev'),
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
    });
    expect(cqesOf(predict(sc, 'rfc-rev'))['1']![0]).toEqual([64, F.MORE | bid(0)]);
    // (16 << 20 | 1) read with 32 index bits is index 0x1000001: past the table.
    expect(cqesOf(predict(sc, 'rfc-v1'))['1']![0]).toEqual([-14, F.MORE]);
  });
  it('cover letter "offset within that buffer": a buffer placed 100 bytes into its page sends from the buffer, not the page', () => {
    const p = predict(
      scenario({
        registered_buffers: [{ size: 2048, placement: { page_offset: 100 } }],
        buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ regbuf: { index: 0, offset: 0, len: 64 } }] }],
        steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
      }),
      'rfc-v1',
    );
    expect(asPrediction(p).peer.chunks[0]!.sources).toEqual([{ buffer: 'regbuf[0]', offset: 0, len: 64 }]);
  });
  it('Jens 2024-10-24 15:11 "either normal user memory": plain-memory entries without FIXED_BUF send their bytes', () => {
    const p = predict(
      scenario({ buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 40 } }] }], steps: [{ send_zc: { buf_group: 1 } }] }),
      'rfc-rev',
    );
    expect(cqesOf(p)).toEqual({
      '1': [
        [40, F.MORE | bid(0)],
        [0, F.NOTIF],
      ],
    });
    expect(asPrediction(p).peer.chunks[0]!.sources).toEqual([{ buffer: 'ring 1 entry 0', offset: 0, len: 40 }]);
  });
  it('no oracle where the thread is silent: BUNDLE without buffer select on send_zc', () => {
    const p = predict(scenario({ steps: [{ send_zc: { len: 1, flags: ['BUNDLE'], source: { plain: { size: 1 } } } }] }), 'rfc-v1');
    expect(p.kind).toBe('no-oracle');
  });
});

describe('base send and setup rules', () => {
  it('io_send_finish: a capped send bundle on 6.12 truncates the crossing entry; the next round takes the rest', () => {
    const sc = scenario({
      buffer_rings: [{ bgid: 1, entries: 4, buffers: [{ plain: { size: 64 } }, { plain: { size: 32 } }, { plain: { size: 16 } }] }],
      steps: [{ send: { buf_group: 1, len: 80, flags: ['BUNDLE'] } }],
    });
    expect(cqesOf(predict(sc, 'baseline'))).toEqual({
      '1': [
        [80, F.MORE | bid(0)],
        [16, bid(2)],
      ],
    });
  });
  it('io_uring_create: DEFER_TASKRUN without SINGLE_ISSUER fails queue_init', () => {
    const p = asPrediction(predict(scenario({ ring: { flags: ['DEFER_TASKRUN'] }, steps: [{ submit: {} }] }), 'baseline'));
    expect(p.setupFailure).toEqual({ what: 'queue_init', res: -22, rule: 'setup.defer-needs-single-issuer' });
  });
  it('io_submit_sqes: without SUBMIT_ALL an io_init_req failure leaves the rest of the batch unsubmitted', () => {
    const steps = [{ send_zc: { buf_group: 1 } }, { send: { len: 8, source: { plain: { size: 8 } } } }];
    const rings = { buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ plain: { size: 16 } }] }] };
    expect(Object.keys(cqesOf(predict(scenario({ ...rings, steps }), 'baseline')))).toEqual(['1']);
    expect(Object.keys(cqesOf(predict(scenario({ ...rings, ring: { flags: ['SUBMIT_ALL'] }, steps }), 'baseline')))).toEqual(['1', '2']);
  });
  it('io_submit_sqes: what a failed submission left in the SQ ring stays there when the next submit has nothing new (uspec_submit skips io_uring_submit)', () => {
    const steps = [{ send_zc: { buf_group: 1 } }, { send: { len: 8, source: { plain: { size: 8 } } } }, { submit: {} }, { submit: {} }];
    const p = asPrediction(predict(scenario({ steps }), 'baseline'));
    expect(cqesOf(p)).toEqual({ '1': [[-95, 0]] });
    expect(p.rules).toEqual(['submit.stop-on-init-failure', 'zc.bufsel-unsupported', 'zc.init-fail-no-notif']);
  });
  it('io_submit_sqes: a send whose prep fails (BUNDLE without buffer select, -EINVAL) also stops the batch without SUBMIT_ALL', () => {
    const steps = [
      { send: { len: 8, flags: ['BUNDLE'], source: { plain: { size: 8 } } } },
      { send: { len: 3, source: { plain: { size: 3 } } } },
    ];
    const stopped = asPrediction(predict(scenario({ steps }), 'baseline'));
    expect(cqesOf(stopped)).toEqual({ '1': [[-22, 0]] });
    expect(stopped.rules).toContain('submit.stop-on-init-failure');
    expect(cqesOf(predict(scenario({ ring: { flags: ['SUBMIT_ALL'] }, steps }), 'baseline'))).toEqual({ '1': [[-22, 0]], '2': [[3, 0]] });
  });
  it('io_fail_links: a send after a failed linked send is -ECANCELED', () => {
    const p = predict(
      scenario({
        buffer_rings: [{ bgid: 1, entries: 2 }],
        steps: [{ send: { buf_group: 1, sqe_flags: ['IO_LINK'] } }, { send: { len: 3, source: { plain: { size: 3 } } } }],
      }),
      'baseline',
    );
    expect(cqesOf(p)).toEqual({ '1': [[-105, 0]], '2': [[-125, 0]] });
  });
  it('io_send/io_send_zc POLL_FIRST + REQ_F_NOWAIT: POLL_FIRST with MSG_DONTWAIT is -EAGAIN before any buffer is touched', () => {
    const src = { source: { plain: { size: 8 } } };
    const at = (op: 'send' | 'send_zc', extra: Record<string, unknown>) => ({ [op]: { len: 8, ...extra } });
    // a plain send and a send_zc: -EAGAIN (send_zc still F_MORE and its notification)
    const pf = { msg_flags: ['DONTWAIT'], flags: ['POLL_FIRST'] };
    expect(cqesOf(predict(scenario({ steps: [at('send', { ...pf, ...src })] }), 'baseline'))).toEqual({ '1': [[-11, 0]] });
    expect(cqesOf(predict(scenario({ steps: [at('send_zc', { ...pf, ...src })] }), 'baseline'))).toEqual({
      '1': [
        [-11, F.MORE],
        [0, F.NOTIF],
      ],
    });
    // even where the buffer would fail: the check comes first (a NULL source, a registered index past the table)
    expect(
      cqesOf(predict(scenario({ steps: [at('send', { ...pf, source: { regbuf: { index: 7, offset: 0 } } })] }), 'baseline'))['1'],
    ).toEqual([[-11, 0]]);
    // the RFC picks its buffers after the check (patch 5/7: io_send_import inside io_send_zc_import): nothing consumed
    const sel = scenario({
      ...regRing([{ regbuf: { index: 0, offset: 0, len: 8 } }]),
      steps: [at('send_zc', { ...pf, buf_group: 1, flags: ['POLL_FIRST', 'FIXED_BUF'] }), { wait: { cqes: 1 } }],
    });
    expect(cqesOf(predict(sel, 'rfc-v1'))['1']![0]).toEqual([-11, F.MORE]);
    expect(finalHead(predict(sel, 'rfc-v1'), 1)).toBe(0);
    // one without the other sends
    expect(cqesOf(predict(scenario({ steps: [at('send', { flags: ['POLL_FIRST'], ...src })] }), 'baseline'))).toEqual({ '1': [[8, 0]] });
    expect(cqesOf(predict(scenario({ steps: [at('send', { msg_flags: ['DONTWAIT'], ...src })] }), 'baseline'))).toEqual({ '1': [[8, 0]] });
  });
  it('rules cite a source for every id the model uses', async () => {
    const { RULES } = await import('../../src/model/rules.ts');
    for (const [id, r] of Object.entries(RULES)) expect(r.source.length, id).toBeGreaterThan(10);
  });
});
