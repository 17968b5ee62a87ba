// The comparator on hand-made observations: each defect gives exactly the
// expected diff, with the rule it breaks and, for bytes, where they came from.
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/judge/compare.ts';
import { formatCqeFlags } from '../../src/model/cqe.ts';
import { predict, CQE_F, noOracle } from '../../src/model/index.ts';
import { BufferBytes } from '../../src/model/bytes.ts';
import { layoutOf } from '../../src/specs/layout.ts';
import { asPrediction, observationOf, scenario } from '../model/helpers.ts';

// regbuf 0 starts 100 bytes into its page; the entry names offset 200.
const sc = scenario({
  registered_buffers: [{ size: 2048, placement: { page_offset: 100 } }],
  buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ bid: 5, regbuf: { index: 0, offset: 200, len: 64 } }] }],
  steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
});
const pred = asPrediction(predict(sc, 'rfc-v1'));
const reg = new BufferBytes(layoutOf(sc)).of('regbuf[0]')!;

describe('judge', () => {
  it('passes the observation the model predicts', () => {
    const v = judge(sc, observationOf(pred, reg.subarray(200, 264)), pred);
    expect(v.status).toBe('pass');
    expect(v.diffs).toEqual([]);
  });

  it('a wrong res gives one diff on res with the rule', () => {
    const obs = observationOf(pred, reg.subarray(200, 264));
    obs.cqes[0]!.res = 60;
    const v = judge(sc, obs, pred);
    expect(v.status).toBe('fail');
    expect(v.diffs).toEqual([
      { where: 'cqe 1 of user_data 1 (step 1 send_zc)', field: 'res', expected: '64', got: '60', rule: 'sock.stream-full' },
    ]);
  });

  it('a wrong bid gives one diff on bid', () => {
    const obs = observationOf(pred, reg.subarray(200, 264));
    obs.cqes[0]!.flags = CQE_F.MORE | CQE_F.BUFFER | (6 << 16);
    const v = judge(sc, obs, pred);
    expect(v.diffs).toEqual([
      {
        where: 'cqe 1 of user_data 1 (step 1 send_zc)',
        field: 'bid',
        expected: 'BUFFER|MORE bid=5',
        got: 'BUFFER|MORE bid=6',
        rule: 'rfc.zc-bufsel-cqe',
      },
    ]);
  });

  it('bytes from page start + offset (bv_offset ignoring the placement) are traced to where they came from', () => {
    const v = judge(sc, observationOf(pred, reg.subarray(100, 164)), pred);
    expect(v.diffs).toHaveLength(1);
    const d = v.diffs[0]!;
    expect(d.where).toBe('peer bytes');
    expect(d.field).toBe('offset 0');
    expect(d.rule).toBe('rfc.regbuf-bytes');
    expect(d.expected).toBe([...reg.subarray(200, 208)].map((x) => x.toString(16).padStart(2, '0')).join(' '));
    expect(d.note).toBe('bytes at 0..63 came from regbuf[0] offset 100 (expected regbuf[0] offset 200)');
  });

  it('bytes from before the buffer (its page prefix) trace to a negative offset', () => {
    const sc0 = scenario({
      registered_buffers: [{ size: 2048, placement: { page_offset: 100 } }],
      buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ regbuf: { index: 0, offset: 20, len: 120 } }] }],
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
    });
    const p0 = asPrediction(predict(sc0, 'rfc-v1'));
    const r0 = new BufferBytes(layoutOf(sc0)).of('regbuf[0]')!;
    // page start + 20 = buffer offset -80: 80 zero bytes, then the buffer's first 40.
    const got = Buffer.concat([Buffer.alloc(80), r0.subarray(0, 40)]);
    const v = judge(sc0, observationOf(p0, got), p0);
    expect(v.diffs[0]!.note).toBe('bytes at 0..119 came from regbuf[0] offset -80 (expected regbuf[0] offset 20)');
  });

  it('a missing notification and a short peer stream are both reported', () => {
    const obs = observationOf(pred, reg.subarray(200, 232));
    obs.cqes.pop();
    const v = judge(sc, obs, pred);
    expect(v.diffs.map((d) => [d.where, d.field, d.got])).toEqual([
      ['cqe 2 of user_data 1 (step 1 send_zc, notification)', 'count', 'missing'],
      ['peer bytes', 'length', '32'],
    ]);
  });

  it('a wrong ring head names the ring and the step', () => {
    const obs = observationOf(pred, reg.subarray(200, 264));
    obs.heads[0]!.head = 0;
    expect(judge(sc, obs, pred).diffs).toEqual([
      { where: 'ring 1 head (step 2)', field: 'head', expected: '1', got: '0', rule: 'ring.head' },
    ]);
  });

  it('a failing pin is a diff with rule "pin"; a pin the model contradicts is a pinConflict', () => {
    const pinned = scenario({ ...sc, steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'], expect: { cqes: [{ res: 63 }] } } }] });
    const p = asPrediction(predict(pinned, 'rfc-v1'));
    const v = judge(pinned, observationOf(p, reg.subarray(200, 264)), p);
    expect(v.diffs).toEqual([{ where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'res', expected: '63', got: '64', rule: 'pin' }]);
    expect(v.pinConflicts).toEqual([
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'res', expected: 'pin 63', got: 'model 64', rule: 'sock.stream-full' },
    ]);
  });

  it('no oracle is never a pass; incomplete or fatal output is an error', () => {
    const obs = observationOf(pred, reg.subarray(200, 264));
    expect(judge(sc, obs, noOracle('unknown')).status).toBe('no-oracle');
    expect(judge(sc, { ...obs, complete: false }, pred).status).toBe('error');
    expect(judge(sc, { ...obs, fatal: 'fatal what=x errno=1' }, pred).status).toBe('error');
  });

  it('names flags', () => {
    expect(formatCqeFlags(CQE_F.BUFFER | CQE_F.MORE | (3 << 16))).toBe('BUFFER|MORE bid=3');
    expect(formatCqeFlags(0)).toBe('0');
  });

  it("the expected timeline: the model's CQEs spelled like observed ones, each paired with its counterpart", () => {
    const obs = observationOf(pred, reg.subarray(200, 264));
    expect(judge(sc, obs, pred).expected).toEqual([
      { step: 1, userData: '1', res: '64', flags: 'BUFFER|MORE bid=5', observed: 0, agrees: true },
      { step: 1, userData: '1', res: '0', flags: 'NOTIF', observed: 1, agrees: true },
    ]);
    // A wrong res: still paired, no longer agreeing; a missing notification: no counterpart.
    obs.cqes[0]!.res = 60;
    obs.cqes.pop();
    expect(judge(sc, obs, pred).expected).toEqual([
      { step: 1, userData: '1', res: '64', flags: 'BUFFER|MORE bid=5', observed: 0, agrees: false },
      { step: 1, userData: '1', res: '0', flags: 'NOTIF', agrees: false },
    ]);
    expect(judge(sc, obs, noOracle('why')).expected).toBeUndefined();
  });
});
