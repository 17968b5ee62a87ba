// Failure, finding and bisection signatures (what minimization, fuzzing and
// bisection tell failures apart by) and how results and flags are spelled.
import { describe, expect, it } from 'vitest';
import { bisectSignature, failureSignature, findingSignature } from '../../src/judge/signature.ts';
import { formatCqeFlags } from '../../src/model/cqe.ts';
import { describeRes, errnoValue } from '../../src/model/errno.ts';

describe('failure signatures', () => {
  it('ignore values and counters, keep the kind, field and rule of the first difference', () => {
    const a = failureSignature({
      status: 'fail',
      diffs: [{ where: 'cqe 1 of user_data 1 (step 1 send_zc)', field: 'res', expected: '300', got: '100', rule: 'rfc.regbuf-bytes' }],
    });
    const b = failureSignature({
      status: 'fail',
      diffs: [{ where: 'cqe 2 of user_data 7 (step 3 send_zc)', field: 'res', expected: '30', got: '10', rule: 'rfc.regbuf-bytes' }],
    });
    expect(a).toBe('fail:cqe.res[rfc.regbuf-bytes]');
    expect(b).toBe(a);
    expect(
      failureSignature({ status: 'fail', diffs: [{ where: 'ring 1 head', field: 'head', expected: '2', got: '1', rule: 'kbuf.commit' }] }),
    ).toBe('fail:ring head.head[kbuf.commit]');
  });
  it('crash and timeout are their own signatures; pass, no-oracle and error have none', () => {
    expect(failureSignature({ status: 'crash', diffs: [] })).toBe('crash');
    expect(failureSignature({ status: 'timeout', diffs: [] })).toBe('timeout');
    for (const s of ['pass', 'no-oracle', 'error'] as const) expect(failureSignature({ status: s, diffs: [] })).toBeUndefined();
  });
  it("a scenario blamed for a later one's crash is not that crash: a minimizer must not keep it as a reproducer", () => {
    // seen in `uringspec minimize`: a flaky use-after-free did not reproduce alone in triage, its replay after the
    // candidate before it did, that candidate was blamed, and the minimizer kept a scenario that never crashes
    const crash = { title: 'BUG: kernel NULL pointer dereference in io_send_zc', headline: 'BUG', frames: [], text: '' };
    const victim = failureSignature({ status: 'crash', diffs: [], crash });
    const culprit = failureSignature({ status: 'crash', diffs: [], crash, corrupts: 'victim-id' });
    expect(victim).toBe('crash:BUG: kernel NULL pointer dereference in io_send_zc');
    expect(culprit).toBe('corrupts:crash:BUG: kernel NULL pointer dereference in io_send_zc');
    expect(findingSignature({ status: 'crash', diffs: [], crash, corrupts: 'v', summary: 'corrupts the kernel: ...' })).toBe(culprit);
  });
});

describe('finding and bisection signatures', () => {
  it('a crash without a parsed report is told apart by its summary, addresses and offsets left out', () => {
    const crash = (summary: string) => findingSignature({ status: 'crash', diffs: [], summary });
    expect(crash('the kernel crashed while this scenario ran: BUG: unable to handle page fault for address: ffffffffffffffff')).toBe(
      'crash: BUG: unable to handle page fault for address: X',
    );
    expect(crash('the kernel crashed while this scenario ran: RIP: io_send_zc+0x149/0x217 at 0xffffa0001234')).toBe(
      'crash: RIP: io_send_zc at X',
    );
    // what the addresses leave at the ends is trimmed
    expect(crash('the kernel crashed while this scenario ran:  BUG: at ffffffff81234567 \n')).toBe('crash: BUG: at X');
    // a parsed crash keeps its title; other statuses are failureSignature's
    expect(
      findingSignature({
        status: 'crash',
        diffs: [],
        summary: 'x',
        crash: { title: 'BUG: in io_send_zc', headline: 'BUG', frames: [], text: '' },
      }),
    ).toBe('crash:BUG: in io_send_zc');
    expect(findingSignature({ status: 'timeout', diffs: [], summary: 'no result' })).toBe('timeout');
    expect(findingSignature({ status: 'pass', diffs: [], summary: '' })).toBeUndefined();
  });

  it('failure signatures: numbers in where and field are dropped or generalised; no rule, no brackets; lost has none', () => {
    expect(failureSignature({ status: 'fail', diffs: [{ where: 'peer #2 bytes 10..20', field: 'byte12', expected: '1', got: '2' }] })).toBe(
      'fail:peer bytes ...byteN',
    );
    expect(failureSignature({ status: 'fail', diffs: [] })).toBe('fail');
    expect(failureSignature({ status: 'lost', diffs: [] })).toBeUndefined();
  });

  it('bisection keeps the exact place and the answer of a difference; other outcomes are their failure signature', () => {
    const d = { where: 'cqe 1 of user_data 1 (step 1 send_zc)', field: 'res', expected: '-14', got: '10', rule: 'rfc.regbuf-index' };
    expect(bisectSignature({ status: 'fail', diffs: [d] })).toBe('fail:cqe 1 of user_data 1 (step 1 send_zc).res[rfc.regbuf-index]=10');
    expect(bisectSignature({ status: 'fail', diffs: [{ ...d, rule: undefined }] })).toBe(
      'fail:cqe 1 of user_data 1 (step 1 send_zc).res=10',
    );
    expect(bisectSignature({ status: 'fail', diffs: [] })).toBe('fail');
    expect(bisectSignature({ status: 'timeout', diffs: [d] })).toBe('timeout');
    expect(bisectSignature({ status: 'pass', diffs: [] })).toBeUndefined();
  });
});

describe('result spelling', () => {
  it('errno names both ways; CQE flags with unknown bits in hex', () => {
    expect(errnoValue('-EINVAL')).toBe(-22);
    expect(errnoValue('EFAULT')).toBe(-14);
    expect(errnoValue('ENOPE')).toBeUndefined();
    expect(describeRes(-22)).toBe('-22 (-EINVAL)');
    expect(describeRes(-9999)).toBe('-9999');
    expect(describeRes(22)).toBe('22');
    expect(describeRes(0)).toBe('0');
    expect(formatCqeFlags(0)).toBe('0');
    expect(formatCqeFlags(0x8000)).toBe('0x8000');
    expect(formatCqeFlags(0x30003)).toBe('BUFFER|MORE bid=3');
  });
});
