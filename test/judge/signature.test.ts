import { describe, expect, it } from 'vitest';
import { failureSignature } from '../../src/judge/signature.ts';

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
});
