// The comparator on hand-made observations: each defect gives exactly the
// expected diff, with the rule it breaks and, for bytes, where they came from.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEvents, type Observation } from '../../src/exec/events.ts';
import { judge } from '../../src/judge/compare.ts';
import { formatCqeFlags } from '../../src/model/cqe.ts';
import { predict, CQE_F, noOracle } from '../../src/model/index.ts';
import { resToString } from '../../src/model/prediction.ts';
import { BufferBytes } from '../../src/model/bytes.ts';
import { loadSpecFile } from '../../src/specs/load.ts';
import { layoutOf } from '../../src/specs/layout.ts';
import type { Scenario } from '../../src/specs/schema.ts';
import { HOST_ITEMS, RECORDED_FILES } from '../fixtures/host-items.ts';
import { asPrediction, observationOf, scenario } from '../model/helpers.ts';

// regbuf 0 starts 100 bytes into its page; the entry names offset 200.
const sc = scenario({
  registered_buffers: [{ size: 2048, placement: { page_offset: 100 } }],
  buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ bid: 5, regbuf: { index: 0, offset: 200, len: 64 } }] }],
  steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }],
});
const pred = asPrediction(predict(sc, 'rfc-v1'));
const reg = new BufferBytes(layoutOf(sc)).of('regbuf[0]')!;
/** The first 8 bytes in hex, as a diff spells them. */
const hex8 = (b: Buffer) => [...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');

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
    expect(formatCqeFlags(CQE_F.BUFFER | (0x8001 << 16))).toBe('BUFFER bid=32769');
    // no BUFFER, upper bits set: not read as the same word as plain MORE
    expect(formatCqeFlags(CQE_F.MORE | (5 << 16))).toBe('MORE upper=0x5');
    expect(formatCqeFlags(0xffff0000)).toBe('0 upper=0xffff');
    expect(formatCqeFlags(0x40)).toBe('0x40');
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

// ---- on what the host kernel really printed (test/fixtures/host-items.ts) ----

type Recorded = keyof typeof RECORDED_FILES;
/** The corpus scenario and the host's observation of it; `edit` changes the recorded output line by line. */
function recorded(id: Recorded, edit: (lines: string[]) => string[] = (l) => l): { sc: Scenario; obs: Observation } {
  const l = loadSpecFile(join(import.meta.dirname, '../..', RECORDED_FILES[id]));
  if (!l.ok) throw new Error(`${RECORDED_FILES[id]} does not load`);
  const sc = l.loaded.spec.scenarios.find((s) => s.id === id)!;
  return { sc, obs: parseEvents(edit(HOST_ITEMS[id].stdout.split('\n')).join('\n')) };
}
const replaced = (from: string, to: string[]) => (lines: string[]) => lines.flatMap((x) => (x === from ? to : [x]));
const judgeAs = (profile: 'baseline' | 'rfc-v1', { sc, obs }: { sc: Scenario; obs: Observation }) => judge(sc, obs, predict(sc, profile));

describe('judge on recorded host observations', () => {
  it('the host agrees with the baseline model: pass, counting every CQE, late ones too', () => {
    const v = judgeAs('baseline', recorded('zc-plain-tcp'));
    expect([v.status, v.summary, v.diffs, v.pinConflicts]).toEqual(['pass', 'pass (baseline: 1 request(s), 2 CQE(s))', [], undefined]);
    // the notification reaped after every request completed ("extra") is still the request's second CQE
    const late = recorded('zc-plain-tcp', replaced('cqe step=2 ud=1 res=0 flags=0x8', ['extra ud=1 res=0 flags=0x8']));
    expect(late.obs.extra).toHaveLength(1);
    expect(judgeAs('baseline', late).summary).toBe('pass (baseline: 1 request(s), 2 CQE(s))');
  });

  it('a notification where the result should be breaks the order rule; the pins say so too', () => {
    const swapped = recorded('zc-plain-tcp', (l) => {
      const [a, b] = [l.indexOf('cqe step=2 ud=1 res=100 flags=0x2'), l.indexOf('cqe step=2 ud=1 res=0 flags=0x8')];
      return l.map((x, i) => (i === a ? l[b]! : i === b ? l[a]! : x));
    });
    const v = judgeAs('baseline', swapped);
    const where = 'cqe 1 of user_data 1 (step 1 send_zc)';
    const notif = 'cqe 2 of user_data 1 (step 1 send_zc, notification)';
    expect(v.diffs).toEqual([
      { where, field: 'res', expected: '100', got: '0', rule: 'zc.notif-after-result' },
      { where, field: 'flags', expected: 'MORE', got: 'NOTIF', rule: 'zc.notif-after-result' },
      // the second is no notification: its own rules
      { where: notif, field: 'res', expected: '0', got: '100', rule: 'zc.two-cqes' },
      { where: notif, field: 'flags', expected: 'NOTIF', got: 'MORE', rule: 'zc.notif-after-result' },
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'res', expected: '100', got: '0', rule: 'pin' },
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'flags', expected: 'MORE', got: 'NOTIF', rule: 'pin' },
      { where: 'pin: cqe 2 of user_data 1 (step 1)', field: 'res', expected: '0', got: '100', rule: 'pin' },
      { where: 'pin: cqe 2 of user_data 1 (step 1)', field: 'flags', expected: 'NOTIF', got: 'MORE', rule: 'pin' },
      { where: 'pin: cqe 2 of user_data 1 (step 1)', field: 'notif', expected: 'true', got: 'false', rule: 'pin' },
    ]);
    expect(v.summary).toBe(
      '9 difference(s); first: cqe 1 of user_data 1 (step 1 send_zc) res: expected 100, got 0 [zc.notif-after-result]',
    );
    // both paired with a counterpart, neither agreeing; equal res with other flags does not agree either
    expect(v.expected!.map((e) => [e.observed, e.agrees])).toEqual([
      [0, false],
      [1, false],
    ]);
    const flagsOnly = recorded('zc-plain-tcp', replaced('cqe step=2 ud=1 res=100 flags=0x2', ['cqe step=2 ud=1 res=100 flags=0x10002']));
    const f = judgeAs('baseline', flagsOnly);
    expect(f.expected!.map((e) => e.agrees)).toEqual([false, true]);
    // upper bits without F_BUFFER are no buffer id: a flags difference, not a bid one, that reads as one
    expect(f.diffs[0]).toEqual({ where, field: 'flags', expected: 'MORE', got: 'MORE upper=0x1', rule: 'zc.two-cqes' });
  });

  it('CQEs nobody expected: one past the request, one for an unknown user_data', () => {
    const more = recorded(
      'send-ring-one',
      replaced('cqe step=2 ud=1 res=64 flags=0x1', [
        'cqe step=2 ud=1 res=64 flags=0x1',
        'cqe step=2 ud=1 res=0 flags=0x0',
        'cqe step=2 ud=9 res=5 flags=0x2',
      ]),
    );
    const v = judgeAs('baseline', more);
    expect(v.diffs).toEqual([
      { where: 'cqe 2 of user_data 1 (step 1 send)', field: 'count', expected: 'none', got: 'res 0 flags 0', rule: 'send.result' },
      { where: 'cqe #3 (user_data 9)', field: 'count', expected: 'no CQE for this user_data', got: 'res 5 flags MORE' },
    ]);
    expect(v.summary).toBe(
      '2 difference(s); first: cqe 2 of user_data 1 (step 1 send) count: expected none, got res 0 flags 0 [send.result]',
    );
    // past a zero-copy request's notification: the rule of the last CQE it should have posted
    const third = recorded(
      'zc-plain-tcp',
      replaced('cqe step=2 ud=1 res=0 flags=0x8', [
        'cqe step=2 ud=1 res=0 flags=0x8',
        'cqe step=2 ud=1 res=0 flags=0x8',
        'cqe step=2 ud=1 res=1 flags=0x8',
      ]),
    );
    expect(judgeAs('baseline', third).diffs).toEqual([
      {
        where: 'cqe 3 of user_data 1 (step 1 send_zc)',
        field: 'count',
        expected: 'none',
        got: 'res 0 flags NOTIF',
        rule: 'zc.notif-after-result',
      },
      {
        where: 'cqe 4 of user_data 1 (step 1 send_zc)',
        field: 'count',
        expected: 'none',
        got: 'res 1 flags NOTIF',
        rule: 'zc.notif-after-result',
      },
    ]);
  });

  it('the bid alone differs: a bid diff, and the bid pin; no buffer at all: the flags and both pins', () => {
    const bid1 = judgeAs(
      'baseline',
      recorded('send-ring-one', replaced('cqe step=2 ud=1 res=64 flags=0x1', ['cqe step=2 ud=1 res=64 flags=0x10001'])),
    );
    expect(bid1.diffs).toEqual([
      { where: 'cqe 1 of user_data 1 (step 1 send)', field: 'bid', expected: 'BUFFER bid=0', got: 'BUFFER bid=1', rule: 'send.result' },
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'bid', expected: '0', got: '1', rule: 'pin' },
    ]);
    const none = judgeAs(
      'baseline',
      recorded('send-ring-one', replaced('cqe step=2 ud=1 res=64 flags=0x1', ['cqe step=2 ud=1 res=64 flags=0x0'])),
    );
    expect(none.diffs).toEqual([
      { where: 'cqe 1 of user_data 1 (step 1 send)', field: 'flags', expected: 'BUFFER bid=0', got: '0', rule: 'send.result' },
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'flags', expected: 'BUFFER', got: '0', rule: 'pin' },
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'bid', expected: '0', got: 'no buffer', rule: 'pin' },
    ]);
    // BUFFER|MORE bid 0: the low bits differ, so flags
    const more = judgeAs(
      'baseline',
      recorded('send-ring-one', replaced('cqe step=2 ud=1 res=64 flags=0x1', ['cqe step=2 ud=1 res=64 flags=0x3'])),
    );
    expect(more.diffs.map((d) => d.field)).toEqual(['flags', 'flags']);
  });

  it('ring heads: a report for another ring or step is not the one predicted; an error is named', () => {
    // ring-wrap-send reports ring 1 after step 3 (head 2) and step 6 (head 4), and pins the final head 4
    expect(judgeAs('baseline', recorded('ring-wrap-send')).status).toBe('pass');
    // a report for a ring the model says nothing about, listed first, changes nothing
    const other = recorded(
      'ring-wrap-send',
      replaced('head step=6 bgid=1 head=4', ['head step=6 bgid=7 head=9', 'head step=6 bgid=1 head=4']),
    );
    expect(judgeAs('baseline', other).diffs).toEqual([]);
    const moved = recorded(
      'ring-wrap-send',
      replaced('head step=3 bgid=1 head=2', ['head step=3 bgid=2 head=2', 'head step=4 bgid=1 head=2']),
    );
    expect(judgeAs('baseline', moved).diffs).toEqual([
      { where: 'ring 1 head (step 3)', field: 'head', expected: '2', got: 'not reported', rule: 'ring.head' },
    ]);
    const err = recorded('ring-wrap-send', replaced('head step=6 bgid=1 head=4', ['head step=6 bgid=1 err=-22']));
    expect(judgeAs('baseline', err).diffs).toEqual([
      { where: 'ring 1 head (step 6)', field: 'head', expected: '4', got: 'error -22 (-EINVAL)', rule: 'ring.head' },
      { where: 'pin: ring 1 head', field: 'head', expected: '4', got: 'not reported', rule: 'pin' },
    ]);
    const errNoCode = recorded('ring-wrap-send', replaced('head step=6 bgid=1 head=4', ['head step=6 bgid=1 head=3']));
    expect(judgeAs('baseline', errNoCode).diffs).toEqual([
      { where: 'ring 1 head (step 6)', field: 'head', expected: '4', got: '3', rule: 'ring.head' },
      { where: 'pin: ring 1 head', field: 'head', expected: '4', got: '3', rule: 'pin' },
    ]);
  });

  it('results of different requests out of submission order', () => {
    // send-classic-order: three sends complete inline, in submission order
    const ok = recorded('send-classic-order');
    expect(judgeAs('baseline', ok).diffs).toEqual([]);
    const l = HOST_ITEMS['send-classic-order'].stdout.split('\n');
    const [c1, c2, c3] = ['cqe step=4 ud=1 res=50 flags=0x1', 'cqe step=4 ud=2 res=50 flags=0x10001', 'cqe step=4 ud=3 res=-105 flags=0x0'];
    const order = (cqes: string[]) =>
      parseEvents(
        l
          .filter((x) => !x.startsWith('cqe '))
          .flatMap((x) => (x.startsWith('wait ') ? [...cqes, x] : [x]))
          .join('\n'),
      );
    const sc = ok.sc;
    const p = asPrediction(predict(sc, 'baseline'));
    expect(judge(sc, order([c2, c1, c3]), p).diffs).toEqual([
      { where: 'cqe order', field: 'first CQE per request', expected: '1, 2, 3', got: '2, 1, 3', rule: 'sock.stream-bytes' },
    ]);
    expect(judge(sc, order([c1, c3, c2]), p).diffs.map((d) => [d.expected, d.got])).toEqual([['1, 2, 3', '1, 3, 2']]);
    // a request without any CQE is left out of the order, not a second difference
    expect(judge(sc, order([c3, c1]), p).diffs.map((d) => [d.where, d.expected, d.got])).toEqual([
      ['cqe 1 of user_data 2 (step 2 send)', 'res 50 flags BUFFER bid=1', 'missing'],
      ['cqe order', '1, 3', '3, 1'],
    ]);
    // where only the per-request order holds, any order passes
    expect(judge(sc, order([c3, c2, c1]), { ...p, resultOrder: 'any' }).diffs).toEqual([]);
  });

  it('datagrams: the lengths the model expects, none for a send that fails', () => {
    expect(judgeAs('baseline', recorded('udp-three-sends')).diffs).toEqual([]);
    const v = judgeAs('baseline', recorded('udp-three-sends', replaced('dgram len=20', [])));
    expect(v.diffs).toEqual([{ where: 'peer datagrams', field: 'lengths', expected: '10, 20, 30', got: '10, 30', rule: 'sock.dgram' }]);
    // the RFC model: one datagram of the 300-byte entry (the scenario's title); the host sent nothing
    const rfc = judgeAs('rfc-v1', recorded('zc-select-ring-plain-udp'));
    expect(rfc.diffs.filter((d) => d.where === 'peer datagrams')).toEqual([
      { where: 'peer datagrams', field: 'lengths', expected: '300', got: 'none', rule: 'sock.dgram' },
    ]);
    // the baseline model agrees with the host's -EOPNOTSUPP: no datagram expected
    const base = recorded('zc-select-ring-plain-udp');
    expect(judgeAs('baseline', base).diffs).toEqual([]);
    expect(judgeAs('baseline', { ...base, obs: { ...base.obs, datagrams: [5] } }).diffs).toEqual([
      { where: 'peer datagrams', field: 'lengths', expected: 'none', got: '5', rule: 'sock.dgram' },
    ]);
  });

  it('bytes that match no buffer of the scenario say so, for the model and for the pinned segments', () => {
    const junk = Buffer.alloc(64, 0xee).toString('base64');
    const v = judgeAs(
      'baseline',
      recorded('send-ring-one', (l) => [...l.filter((x) => !x.startsWith('peerdata ')).slice(0, -1), `peerdata ${junk}`, l.at(-1)!]),
    );
    const ee = 'ee ee ee ee ee ee ee ee';
    expect(v.diffs).toEqual([
      {
        where: 'peer bytes',
        field: 'offset 0',
        expected: '35 79 68 17 b3 85 36 86',
        got: ee,
        rule: 'sock.stream-bytes',
        note: 'bytes at 0.. match no buffer of the scenario (expected ring 1 entry 0 offset 0)',
      },
      {
        where: 'pin: peer bytes',
        field: 'offset 0',
        expected: '35 79 68 17 b3 85 36 86',
        got: ee,
        rule: 'pin',
        note: 'bytes at 0.. match no buffer of the scenario (expected ring 1 bid 0 offset 0 +0)',
      },
    ]);
  });

  it('a usage pin on the notification: the host copied', () => {
    expect(judgeAs('baseline', recorded('zc-report-usage-tcp')).diffs).toEqual([]);
    const zc = judgeAs(
      'baseline',
      recorded('zc-report-usage-tcp', replaced('cqe step=2 ud=1 res=-2147483648 flags=0x8', ['cqe step=2 ud=1 res=0 flags=0x8'])),
    );
    expect(zc.diffs).toEqual([
      {
        where: 'cqe 2 of user_data 1 (step 1 send_zc, notification)',
        field: 'res',
        expected: '-2147483648',
        got: '0',
        rule: 'zc.report-usage-copied',
      },
      { where: 'pin: cqe 2 of user_data 1 (step 1)', field: 'usage', expected: 'copied', got: 'zc', rule: 'pin' },
    ]);
  });

  it('the RFC model against the host: differences, and the pins the model contradicts', () => {
    const { sc, obs } = recorded('zc-pbuf-regbuf-basic');
    const pinned = scenario({
      ...sc,
      steps: [
        { send_zc: { buf_group: 1, flags: ['FIXED_BUF'], expect: { cqes: [{ res: '-EOPNOTSUPP', flags: [] }, { notif: true }, {}] } } },
      ],
      expect: { ring_heads: { '1': 0 }, peer: { len: 0 } },
    });
    const v = judge(pinned, obs, predict(pinned, 'rfc-v1'));
    expect(v.diffs.filter((d) => d.rule === 'pin')).toEqual([
      { where: 'pin: cqe 2 of user_data 1 (step 1)', field: 'count', expected: 'a CQE', got: 'missing', rule: 'pin' },
      { where: 'pin: cqe 3 of user_data 1 (step 1)', field: 'count', expected: 'a CQE', got: 'missing', rule: 'pin' },
    ]);
    expect(v.pinConflicts).toEqual([
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'res', expected: 'pin -EOPNOTSUPP', got: 'model 50', rule: 'sock.stream-full' },
      {
        where: 'pin: cqe 1 of user_data 1 (step 1)',
        field: 'flags',
        expected: 'pin 0',
        got: 'model BUFFER|MORE bid=0',
        rule: 'rfc.zc-bufsel-cqe',
      },
      { where: 'pin: cqe 3 of user_data 1 (step 1)', field: 'count', expected: 'model: no such CQE', got: 'pinned', rule: 'pin' },
      { where: 'pin: ring 1 head', field: 'head', expected: 'pin 0', got: 'model 1', rule: 'ring.head' },
      { where: 'pin: peer', field: 'length', expected: 'pin 0', got: 'model 50', rule: 'sock.stream-bytes' },
    ]);
    // the baseline model agrees with the host (one CQE, no notification): only the pins past it conflict
    expect(judge(pinned, obs, predict(pinned, 'baseline')).pinConflicts).toEqual([
      { where: 'pin: cqe 2 of user_data 1 (step 1)', field: 'count', expected: 'model: no such CQE', got: 'pinned', rule: 'pin' },
      { where: 'pin: cqe 3 of user_data 1 (step 1)', field: 'count', expected: 'model: no such CQE', got: 'pinned', rule: 'pin' },
    ]);
  });
});

describe('judge: setup failures', () => {
  const defer = scenario({ ring: { entries: 8, flags: ['DEFER_TASKRUN'] }, steps: [{ send: { len: 8, source: { plain: { size: 8 } } } }] });
  const plain = scenario({ steps: [{ send: { len: 8, source: { plain: { size: 8 } } } }] });
  const failed = (what: string, res: number): Observation => ({
    ...observationOf(asPrediction(predict(plain, 'baseline')), Buffer.alloc(0)),
    cqes: [],
    heads: [],
    setupFailure: { what, res },
  });

  it('the predicted setup failure passes; another errno or another call is one difference with the rule', () => {
    const p = asPrediction(predict(defer, 'baseline'));
    expect(judge(defer, failed('queue_init', -22), p).summary).toBe('pass (baseline: 0 request(s), 0 CQE(s))');
    const rule = 'setup.defer-needs-single-issuer';
    expect(judge(defer, failed('queue_init', -1), p).diffs).toEqual([
      { where: 'setup', field: 'result', expected: 'queue_init -22 (-EINVAL)', got: 'queue_init -1 (-EPERM)', rule },
    ]);
    expect(judge(defer, failed('register_buffers', -22), p).diffs).toEqual([
      { where: 'setup', field: 'result', expected: 'queue_init -22 (-EINVAL)', got: 'register_buffers -22 (-EINVAL)', rule },
    ]);
    // it set up and ran: one difference, the CQEs of a scenario that should not have run are not judged
    const ran = observationOf(asPrediction(predict(plain, 'baseline')), Buffer.alloc(8));
    expect(judge(defer, ran, p).diffs).toEqual([
      { where: 'setup', field: 'result', expected: 'queue_init -22 (-EINVAL)', got: 'success', rule },
    ]);
  });

  it('an unexpected setup failure: no rule to name, and no CQE judged', () => {
    const v = judge(plain, failed('queue_init', -12), asPrediction(predict(plain, 'baseline')));
    expect(v.diffs).toEqual([{ where: 'setup', field: 'result', expected: 'success', got: 'queue_init -12 (-ENOMEM)' }]);
    expect(v.summary).toBe('1 difference(s); first: setup result: expected success, got queue_init -12 (-ENOMEM)');
  });

  it('error summaries say why', () => {
    const obs = failed('queue_init', -22);
    expect(judge(plain, { ...obs, fatal: 'fatal what=mmap errno=12' }, noOracle('x')).summary).toBe(
      'program error: fatal what=mmap errno=12',
    );
    expect(judge(plain, { ...obs, complete: false }, noOracle('x')).summary).toBe('incomplete observation: no "end" line');
    // a full SQ ring is the scenario's doing: the summary says how to make room
    expect(judge(plain, { ...obs, fatal: 'fatal what=sq_full errno=0' }, noOracle('x')).summary).toBe(
      'program error: fatal what=sq_full errno=0: the SQ ring had no free entry (requests a failed submission left there, plus new ones, exceed ring.entries; a submit step before them makes room)',
    );
  });

  it('requests an init failure left in the SQ ring and new ones past its size: no oracle (the program cannot queue them)', () => {
    // a BUNDLE send_zc fails prep on the baseline; without SUBMIT_ALL the send after it stays in the 2-entry ring
    const steps = (extra: number) => [
      { send_zc: { len: 8, source: { plain: { size: 8 } }, flags: ['BUNDLE'] } },
      { send: { len: 8, source: { plain: { size: 8 } } } },
      { submit: {} },
      ...Array.from({ length: extra }, () => ({ send: { len: 8, source: { plain: { size: 8 } } } })),
    ];
    expect(predict(scenario({ ring: { entries: 2 }, steps: steps(2) }), 'baseline')).toEqual(
      noOracle('step 5: 1 request(s) a failed submission left in the SQ ring and 2 new one(s) do not fit its 2 entries', true),
    );
    expect(predict(scenario({ ring: { entries: 2 }, steps: steps(1) }), 'baseline').kind).toBe('prediction');
    expect(predict(scenario({ ring: { entries: 4 }, steps: steps(3) }), 'baseline').kind).toBe('prediction');
    expect(predict(scenario({ ring: { entries: 2, flags: ['SUBMIT_ALL'] }, steps: steps(2) }), 'baseline').kind).toBe('prediction');
  });
});

describe('judge: pins', () => {
  const withPins = (cqes: unknown[], expect?: unknown) =>
    scenario({ ...sc, steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'], expect: { cqes } } }], ...(expect ? { expect } : {}) });
  const run = (s: Scenario, peer = reg.subarray(200, 264)) => {
    const p = asPrediction(predict(s, 'rfc-v1'));
    return judge(s, observationOf(p, peer), p);
  };
  const at1 = 'pin: cqe 1 of user_data 1 (step 1)';

  it('res pins: an errno name, a name no errno has, a range', () => {
    expect(run(withPins([{ res: '-EINVAL' }])).diffs).toEqual([{ where: at1, field: 'res', expected: '-EINVAL', got: '64', rule: 'pin' }]);
    expect(run(withPins([{ res: '-ENOTANERRNO' }])).pinConflicts).toEqual([
      { where: at1, field: 'res', expected: 'pin -ENOTANERRNO', got: 'model 64', rule: 'sock.stream-full' },
    ]);
    expect(run(withPins([{ res: { min: 64, max: 64 } }])).diffs).toEqual([]);
    expect(run(withPins([{ res: { min: 60, max: 64 } }])).pinConflicts).toBeUndefined();
    expect(run(withPins([{ res: { min: 65, max: 70 } }])).diffs).toEqual([
      { where: at1, field: 'res', expected: '65..70', got: '64', rule: 'pin' },
    ]);
  });

  it('flags, bid and notif pins', () => {
    const v = run(
      withPins([
        { flags: ['MORE'], bid: 6, notif: true },
        { flags: [], notif: false },
      ]),
    );
    const at2 = 'pin: cqe 2 of user_data 1 (step 1)';
    expect(v.diffs).toEqual([
      { where: at1, field: 'flags', expected: 'MORE', got: 'BUFFER|MORE bid=0', rule: 'pin' },
      { where: at1, field: 'bid', expected: '6', got: '5', rule: 'pin' },
      { where: at1, field: 'notif', expected: 'true', got: 'false', rule: 'pin' },
      { where: at2, field: 'flags', expected: '0', got: 'NOTIF', rule: 'pin' },
      { where: at2, field: 'notif', expected: 'false', got: 'true', rule: 'pin' },
    ]);
    expect(v.pinConflicts!.map((d) => [d.where, d.field, d.expected, d.got, d.rule])).toEqual([
      [at1, 'flags', 'pin MORE', 'model BUFFER|MORE bid=0', 'rfc.zc-bufsel-cqe'],
      [at1, 'bid', 'pin 6', 'model 5', 'rfc.zc-bufsel-cqe'],
      [at1, 'notif', 'pin true', 'model false', 'rfc.zc-bufsel-cqe'],
      [at2, 'flags', 'pin 0', 'model NOTIF', 'zc.notif-after-result'],
      [at2, 'notif', 'pin false', 'model true', 'zc.notif-after-result'],
    ]);
    expect(
      run(
        withPins([
          { flags: ['BUFFER', 'MORE'], bid: 5, notif: false },
          { flags: ['NOTIF'], notif: true, usage: 'zc' },
        ]),
      ).diffs,
    ).toEqual([]);
  });

  it('the peer pins: length, and bytes named by regbuf, ring entry and offsets; a difference says which segment', () => {
    const segs = [
      { regbuf: 0, offset: 200, len: 10 },
      { ring: 1, bid: 5, offset: 10, len: 54 },
    ];
    expect(run(withPins([{}], { peer: { len: 64, bytes: segs } })).diffs).toEqual([]);
    // from byte 40 on, bytes from elsewhere in the buffer
    const bad = Buffer.concat([reg.subarray(200, 240), reg.subarray(400, 424)]);
    const v = run(withPins([{}], { peer: { len: 63, bytes: segs } }), bad);
    expect(v.diffs.map((d) => [d.where, d.field, d.expected, d.got, d.note ?? d.rule])).toEqual([
      [
        'peer bytes',
        'offset 40',
        hex8(reg.subarray(240)),
        hex8(reg.subarray(400)),
        'bytes at 40..63 came from regbuf[0] offset 400 (expected regbuf[0] offset 240)',
      ],
      ['pin: peer', 'length', '63', '64', 'pin'],
      [
        'pin: peer bytes',
        'offset 40',
        hex8(reg.subarray(240)),
        hex8(reg.subarray(400)),
        'bytes at 40..63 came from regbuf[0] offset 400 (expected ring 1 bid 5 offset 10 +30)',
      ],
    ]);
    const early = Buffer.concat([reg.subarray(200, 203), reg.subarray(500, 561)]);
    expect(run(withPins([{}], { peer: { bytes: segs } }), early).diffs.at(-1)!.note).toBe(
      'bytes at 3..63 came from regbuf[0] offset 500 (expected regbuf[0] offset 200 +3)',
    );
    // one byte short: only a length difference
    expect(
      run(withPins([{}], { peer: { bytes: segs } }), reg.subarray(200, 263)).diffs.map((d) => [d.where, d.field, d.expected, d.got]),
    ).toEqual([
      ['peer bytes', 'length', '64', '63'],
      ['pin: peer bytes', 'length', '64', '63'],
    ]);
  });

  it('pinned bytes the model does not send are a conflict; a length pin alone checks no bytes', () => {
    const v = run(withPins([{}], { peer: { bytes: [{ regbuf: 0, offset: 100, len: 64 }] } }));
    expect(v.pinConflicts).toEqual([
      { where: 'pin: peer bytes', field: 'bytes', expected: 'pinned segments', got: 'model bytes differ', rule: 'sock.stream-bytes' },
    ]);
    expect(v.diffs.map((d) => [d.where, d.field])).toEqual([['pin: peer bytes', 'offset 0']]);
    expect(run(withPins([{}], { peer: { len: 64 } })).pinConflicts).toBeUndefined();
    expect(run(withPins([{}], { peer: { len: 60 } })).pinConflicts).toEqual([
      { where: 'pin: peer', field: 'length', expected: 'pin 60', got: 'model 64', rule: 'sock.stream-bytes' },
    ]);
  });

  it('segments that name nothing: one difference saying which, no conflict', () => {
    const bad = (seg: unknown, s: Record<string, unknown> = {}) => {
      const pinned = scenario({ ...sc, ...s, expect: { peer: { bytes: [{ regbuf: 0, offset: 200, len: 1 }, seg] } } });
      const p = asPrediction(predict(pinned, 'rfc-v1'));
      const v = judge(pinned, observationOf(p, reg.subarray(200, 264)), p);
      expect(v.pinConflicts).toBeUndefined();
      return v.diffs.map((d) => [d.where, d.field, d.expected, d.got, d.rule]);
    };
    const seg = (got: string) => [['pin: peer bytes', 'segments', 'segments of known buffers', got, 'pin']];
    expect(bad({ regbuf: 3, offset: 0, len: 1 })).toEqual(seg('no regbuf 3'));
    expect(bad({ ring: 1, bid: 9, len: 1 })).toEqual(seg('no entry with bid 9 in ring 1'));
    expect(bad({ ring: 2, bid: 5, len: 1 })).toEqual(seg('no entry with bid 5 in ring 2'));
    expect(bad({ source_of_step: 1, len: 1 })).toEqual(seg('step 1 has no source'));
    expect(bad({ source_of_step: 2, len: 1 })).toEqual(seg('step 2 has no source'));
    const rings = (buffers: unknown[]) => ({
      buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ bid: 5, regbuf: { index: 0, offset: 200, len: 64 } }, ...buffers] }],
    });
    expect(bad({ ring: 1, bid: 7, len: 1 }, rings([{ bid: 7, raw: { addr: 4096, len: 8 } }]))).toEqual(seg('ring 1 bid 7 is a raw addr'));
    expect(bad({ ring: 1, bid: 7, len: 1 }, rings([{ bid: 7, regbuf: { index: 4, offset: 0, len: 8 } }]))).toEqual(
      seg('ring 1 bid 7 names no regbuf'),
    );
    const fromRegbuf = (index: number) => ({
      steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'] } }, { send: { len: 4, source: { regbuf: { index, offset: 8 } } } }],
    });
    expect(bad({ source_of_step: 2, len: 1 }, fromRegbuf(2))).toEqual(seg('step 2 names no regbuf'));
  });

  it("bytes named by a plain ring entry and by a step's source", () => {
    const s = scenario({
      registered_buffers: [{ size: 4096 }],
      buffer_rings: [{ bgid: 1, entries: 2, buffers: [{ bid: 3, plain: { size: 16 } }] }],
      steps: [{ send: { buf_group: 1 } }, { send: { len: 8, source: { regbuf: { index: 0, offset: 100 } } } }],
      expect: {
        peer: {
          bytes: [
            { ring: 1, bid: 3, offset: 4, len: 12 },
            { source_of_step: 2, offset: 2, len: 6 },
          ],
        },
      },
    });
    const b = new BufferBytes(layoutOf(s));
    const entry = b.of('ring 1 entry 0')!;
    const r0 = b.of('regbuf[0]')!;
    // the pins leave out the first bytes of each send
    const p = asPrediction(predict(s, 'rfc-v1'));
    const v = judge(s, observationOf(p, Buffer.concat([entry, r0.subarray(100, 108)])), p);
    expect(v.diffs.map((d) => [d.where, d.field, d.note])).toEqual([
      ['pin: peer bytes', 'offset 0', 'bytes at 0..15 came from ring 1 entry 0 offset 0 (expected ring 1 bid 3 offset 4 +0)'],
      ['pin: peer bytes', 'length', undefined],
    ]);
    expect(v.pinConflicts).toEqual([
      { where: 'pin: peer bytes', field: 'bytes', expected: 'pinned segments', got: 'model bytes differ', rule: 'sock.stream-bytes' },
    ]);
    const agreed = Buffer.concat([entry.subarray(4), r0.subarray(102, 108)]);
    expect(judge(s, observationOf(p, agreed), p).diffs.filter((d) => d.rule === 'pin')).toEqual([]);
  });

  it('no oracle: the pins still count', () => {
    const obs = observationOf(pred, reg.subarray(200, 264));
    expect(judge(sc, obs, noOracle('why')).summary).toBe('no oracle: why');
    const v = judge(withPins([{ res: 1 }, { res: 2 }]), obs, noOracle('why'));
    expect(v.summary).toBe('no oracle: why; 2 pin(s) fail');
    expect(v.diffs).toHaveLength(2);
  });
});

describe('judge: a result the model gives as a range', () => {
  // MSG_DONTWAIT into a 4096-byte send buffer: any short count from 1 to all of it
  const s = scenario({
    socket: { sndbuf: 4096 },
    steps: [{ send: { len: 100000, msg_flags: ['DONTWAIT'], source: { plain: { size: 100000 } } } }],
  });
  const src = new BufferBytes(layoutOf(s)).of('step 1 source')!;
  const p = asPrediction(predict(s, 'rfc-v1'));
  const obs = (res: number, peer: Buffer): Observation => ({
    ...observationOf(p, peer),
    cqes: [{ seq: 0, step: 2, userData: 1n, res, flags: 0 }],
  });

  it('the peer gets exactly the bytes the observed count says', () => {
    expect(judge(s, obs(4096, src.subarray(0, 4096)), p).diffs).toEqual([]);
    expect(judge(s, obs(100000, src), p).diffs).toEqual([]);
    expect(judge(s, obs(4096, src.subarray(0, 4000)), p).diffs.map((d) => [d.where, d.field, d.expected, d.got])).toEqual([
      ['peer bytes', 'length', '4096', '4000'],
    ]);
  });

  it('a count outside the range: the res differs, and the peer is held to the least the model allows', () => {
    expect(judge(s, obs(0, Buffer.alloc(0)), p).diffs.map((d) => [d.where, d.field, d.expected, d.got])).toEqual([
      ['cqe 1 of user_data 1 (step 1 send)', 'res', '1..100000', '0'],
      ['peer bytes', 'length', '1', '0'],
    ]);
  });

  it('pins against a range: equal to it or wider holds, anything else is a conflict; peer pins are not checked against a range', () => {
    const pinned = (res: unknown, peer?: unknown) =>
      scenario({
        ...s,
        steps: [{ send: { len: 100000, msg_flags: ['DONTWAIT'], source: { plain: { size: 100000 } }, expect: { cqes: [{ res }] } } }],
        ...(peer ? { expect: { peer } } : {}),
      });
    const conflicts = (res: unknown, peer?: unknown) => {
      const q = pinned(res, peer);
      return judge(q, obs(4096, src.subarray(0, 4096)), asPrediction(predict(q, 'rfc-v1'))).pinConflicts?.map((d) => [
        d.field,
        d.expected,
        d.got,
      ]);
    };
    expect(conflicts({ min: 1, max: 100000 })).toBeUndefined();
    expect(conflicts({ min: 0, max: 200000 })).toBeUndefined();
    expect(conflicts({ min: 2, max: 100000 })).toEqual([['res', 'pin 2..100000', 'model 1..100000']]);
    expect(conflicts({ min: 1, max: 99999 })).toEqual([['res', 'pin 1..99999', 'model 1..100000']]);
    expect(conflicts(4096)).toEqual([['res', 'pin 4096', 'model 1..100000']]);
    expect(conflicts(100000)).toEqual([['res', 'pin 100000', 'model 1..100000']]);
    expect(conflicts({ min: 1, max: 100000 }, { len: 7, bytes: [{ source_of_step: 1, len: 7 }] })).toBeUndefined();
  });
});

describe('judge: several requests, rings and segments', () => {
  const plain = (len: number, expect?: unknown) => ({ send: { len, source: { plain: { size: len } }, ...(expect ? { expect } : {}) } });

  it("each request's pins are checked against its own CQEs, and against its own prediction", () => {
    const s = scenario({ steps: [plain(8, { cqes: [{ res: 8 }] }), plain(16, { cqes: [{ res: 16 }] })], expect: { peer: { len: 24 } } });
    const b = new BufferBytes(layoutOf(s));
    const p = asPrediction(predict(s, 'baseline'));
    const v = judge(s, observationOf(p, Buffer.concat([b.of('step 1 source')!, b.of('step 2 source')!])), p);
    expect([v.status, v.diffs, v.pinConflicts]).toEqual(['pass', [], undefined]);
    const wrong = scenario({ ...s, expect: { peer: { len: 16 } } });
    expect(judge(wrong, observationOf(p, Buffer.alloc(24)), p).pinConflicts).toEqual([
      { where: 'pin: peer', field: 'length', expected: 'pin 16', got: 'model 24', rule: 'sock.stream-bytes' },
    ]);
  });

  it('datagrams: an empty one counts, a failed send sends none', () => {
    const udp = (steps: unknown[]) => {
      const s = scenario({ socket: { type: 'udp' }, steps });
      return { s, p: asPrediction(predict(s, 'baseline')) };
    };
    const empty = udp([{ send: { len: 0, source: { plain: { size: 8 } } } }, plain(5)]);
    const five = new BufferBytes(layoutOf(empty.s)).of('step 2 source')!;
    expect(judge(empty.s, observationOf(empty.p, five, [0, 5]), empty.p).diffs).toEqual([]);
    expect(judge(empty.s, observationOf(empty.p, five, [5]), empty.p).diffs).toEqual([
      { where: 'peer datagrams', field: 'lengths', expected: '0, 5', got: '5', rule: 'sock.dgram' },
    ]);
    const big = udp([plain(70000), plain(5)]);
    expect(big.p.requests[0]!.cqes[0]!.res).toEqual({ exact: -90 });
    expect(judge(big.s, observationOf(big.p, new BufferBytes(layoutOf(big.s)).of('step 2 source')!, [5]), big.p).diffs).toEqual([]);
  });

  it('a drained request that never completes breaks the drain rule, whatever its result would have been; a first-request drain its own', () => {
    // The RFC's hang (corpus/found/found-fail-cqe-count-kbuf-empty-*): a failed buffer-select send_zc, then a
    // drained one that never completes. Its result would be -ENOBUFS or -ENOENT: the same bug either way.
    const hang = (bgid: number) =>
      scenario({
        buffer_rings: [{ bgid: 7, entries: 1, buffers: [] }],
        steps: [{ send_zc: { len: 0, buf_group: 0 } }, { send_zc: { len: 0, buf_group: bgid, sqe_flags: ['IO_DRAIN'] } }],
      });
    const missing = (s: Scenario) => {
      const p = asPrediction(predict(s, 'rfc-v1'));
      const obs = observationOf(p, Buffer.alloc(0));
      obs.cqes = obs.cqes.filter((c) => c.userData !== 2n);
      return judge(s, obs, p).diffs.map((d) => [d.where, d.field, d.expected, d.rule]);
    };
    expect(missing(hang(7))).toEqual([
      ['cqe 1 of user_data 2 (step 2 send_zc)', 'count', 'res -105 flags MORE', 'sqe.drain'],
      ['cqe 2 of user_data 2 (step 2 send_zc, notification)', 'count', 'res 0 flags NOTIF', 'zc.two-cqes'],
    ]);
    expect(missing(hang(9))[0]).toEqual(['cqe 1 of user_data 2 (step 2 send_zc)', 'count', 'res -2 flags MORE', 'sqe.drain']);
    // Drained but first: nothing to wait for, so its own result's rule; and its notification alone missing is not the drain.
    const first = scenario({
      buffer_rings: [{ bgid: 7, entries: 1, buffers: [] }],
      steps: [{ send_zc: { len: 0, buf_group: 7, sqe_flags: ['IO_DRAIN'] } }],
    });
    const p = asPrediction(predict(first, 'rfc-v1'));
    expect(p.requests[0]!.completesRule).toBeUndefined();
    const none = observationOf(p, Buffer.alloc(0));
    none.cqes = [];
    expect(judge(first, none, p).diffs[0]!.rule).toBe('kbuf.empty');
    const late = observationOf(asPrediction(predict(hang(7), 'rfc-v1')), Buffer.alloc(0));
    late.cqes.pop();
    expect(judge(hang(7), late, asPrediction(predict(hang(7), 'rfc-v1'))).diffs.map((d) => d.rule)).toEqual(['zc.two-cqes']);
  });

  it('bytes that arrive where the model expects none', () => {
    const { sc: s, obs } = recorded('zc-pbuf-regbuf-basic');
    expect(judge(s, { ...obs, peer: Buffer.alloc(3) }, predict(s, 'baseline')).diffs).toEqual([
      { where: 'peer bytes', field: 'length', expected: '0', got: '3', rule: 'sock.stream-bytes' },
    ]);
  });

  it('the trace of wrong bytes looks at most 4096 bytes ahead', () => {
    const s = scenario({ steps: [plain(20000)] });
    const src = new BufferBytes(layoutOf(s)).of('step 1 source')!;
    const p = asPrediction(predict(s, 'baseline'));
    const v = judge(s, observationOf(p, Buffer.concat([src.subarray(10), src.subarray(0, 10)])), p);
    expect(v.diffs.map((d) => d.note)).toEqual(['bytes at 0..4095 came from step 1 source offset 10 (expected step 1 source offset 0)']);
  });

  it('the final heads of two rings are pinned ring by ring, against the last report', () => {
    const s = scenario({
      buffer_rings: [
        { bgid: 1, entries: 2, buffers: [{ plain: { size: 8 } }] },
        { bgid: 2, entries: 2, buffers: [{ plain: { size: 8 } }] },
      ],
      steps: [{ send: { buf_group: 2 } }, { wait: { cqes: 1 } }, { send: { buf_group: 1 } }],
      expect: { ring_heads: { '1': 1, '2': 1 } },
    });
    const p = asPrediction(predict(s, 'baseline'));
    const v = judge(s, observationOf(p, Buffer.alloc(16)), p);
    expect(p.heads.map((h) => [h.step, h.bgid, h.head])).toEqual([
      [2, 1, 0],
      [2, 2, 1],
      [4, 1, 1],
      [4, 2, 1],
    ]);
    expect(v.pinConflicts).toBeUndefined();
    // ring 1 never used: its final head stays 0, each pin is held to its own ring
    const two = scenario({ ...s, steps: [{ send: { buf_group: 2 } }], expect: { ring_heads: { '1': 0, '2': 1 } } });
    const q = asPrediction(predict(two, 'baseline'));
    expect(judge(two, observationOf(q, Buffer.alloc(8)), q).pinConflicts).toBeUndefined();
    // ring-wrap-send: the pinned final head is the model's last one, not the one after the first wait
    const r = recorded('ring-wrap-send');
    expect(judge(r.sc, r.obs, predict(r.sc, 'baseline')).pinConflicts).toBeUndefined();
  });

  it('pins: several flags, an exact pin against the low end of a range', () => {
    const v = judge(
      scenario({ ...sc, steps: [{ send_zc: { buf_group: 1, flags: ['FIXED_BUF'], expect: { cqes: [{ flags: ['BUFFER', 'NOTIF'] }] } } }] }),
      observationOf(pred, reg.subarray(200, 264)),
      pred,
    );
    expect(v.diffs[0]).toEqual({
      where: 'pin: cqe 1 of user_data 1 (step 1)',
      field: 'flags',
      expected: 'BUFFER|NOTIF',
      got: 'BUFFER|MORE bid=0',
      rule: 'pin',
    });
    const r = scenario({
      socket: { sndbuf: 4096 },
      steps: [{ send: { len: 100000, msg_flags: ['DONTWAIT'], source: { plain: { size: 100000 } }, expect: { cqes: [{ res: 1 }] } } }],
    });
    const q = asPrediction(predict(r, 'rfc-v1'));
    expect(judge(r, observationOf(q, new BufferBytes(layoutOf(r)).of('step 1 source')!), q).pinConflicts).toEqual([
      { where: 'pin: cqe 1 of user_data 1 (step 1)', field: 'res', expected: 'pin 1', got: 'model 1..100000', rule: 'sock.stream-short' },
    ]);
  });

  it('a peer pin over a request whose result is a range is not checked against the model', () => {
    const s = scenario({
      socket: { sndbuf: 4096 },
      steps: [plain(8), { send: { len: 100000, msg_flags: ['DONTWAIT'], source: { plain: { size: 100000 } } } }],
      expect: { peer: { len: 4104 } },
    });
    const p = asPrediction(predict(s, 'rfc-v1'));
    expect(p.requests.map((q) => resToString(q.cqes[0]!.res))).toEqual(['8', '1..100000']);
    expect(judge(s, observationOf(p, Buffer.alloc(0)), p).pinConflicts).toBeUndefined();
  });

  it('pinned segments: a difference right at the start of a segment and in a step source are named by that segment', () => {
    const segs = [
      { regbuf: 0, offset: 200, len: 10 },
      { ring: 1, bid: 5, offset: 10, len: 54 },
    ];
    const s = scenario({ ...sc, expect: { peer: { bytes: segs } } });
    const at10 = Buffer.concat([reg.subarray(200, 210), reg.subarray(600, 654)]);
    expect(judge(s, observationOf(pred, at10), pred).diffs.at(-1)).toMatchObject({
      where: 'pin: peer bytes',
      rule: 'pin',
      note: 'bytes at 10..63 came from regbuf[0] offset 600 (expected ring 1 bid 5 offset 10 +0)',
    });
    const { sc: tcp, obs } = recorded('zc-plain-tcp');
    const peer = Buffer.from(obs.peer);
    peer[50] = peer[50]! ^ 0xff;
    expect(judge(tcp, { ...obs, peer }, predict(tcp, 'baseline')).diffs.at(-1)).toMatchObject({
      where: 'pin: peer bytes',
      note: 'bytes at 50.. match no buffer of the scenario (expected step 1 source offset 0 +50)',
    });
  });
});
