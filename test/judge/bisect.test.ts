// Bisection verdicts from the outcome of a finding on each prefix of a
// series (as git bisect names the first bad commit and skips what does not
// build), and the signature that tells "fails another way" from "fails this
// way": what the kernel answered at the first difference.
import { describe, expect, it } from 'vitest';
import { classify, describeBisect, type PatchRef, type PrefixOutcome } from '../../src/judge/bisect.ts';
import { bisectSignature, failureSignature } from '../../src/judge/signature.ts';

const patches: PatchRef[] = Array.from({ length: 7 }, (_, i) => ({
  index: i + 1,
  total: 7,
  tags: `PATCH ${i + 1}/7`,
  subject: `subject ${i + 1}`,
  messageId: `id-${i + 1}@example.org`,
}));
const o = (s: string): PrefixOutcome[] =>
  [...s].map((c) => ({ '=': 'same', x: 'other', p: 'pass', s: 'skipped', n: 'no-verdict' })[c] as PrefixOutcome);

describe('bisection verdicts', () => {
  it('the first prefix of the run of "same" that reaches the full series names the patch', () => {
    expect(classify(o('xxxxxxx='), patches)).toEqual({ verdict: 'introduced', patch: patches[6] });
    expect(classify(o('ppppp===').slice(0, 8), patches)).toEqual({ verdict: 'introduced', patch: patches[4] });
    expect(classify(o('xp======'), patches)).toEqual({ verdict: 'introduced', patch: patches[1] });
  });

  it('present on prefix 0 and on every prefix after it: present on the baseline', () => {
    expect(classify(o('========'), patches)).toEqual({ verdict: 'baseline' });
    // no-verdict prefixes do not break the run
    expect(classify(o('=n======'), patches)).toEqual({ verdict: 'baseline' });
  });

  it('seen, gone, back: fixed by a later patch, with where it was seen and where it went away', () => {
    const v = classify(o('x==pp=x=').slice(0, 8), patches);
    expect(v).toEqual({ verdict: 'fixed-later', patch: patches[6], seen: [1, 2, 5], goneAt: 3 });
    expect(describeBisect(v)).toMatch(
      /^fixed by a later patch, then back: appears again with \[PATCH 7\/7\] subject 7 <id-7@example.org>; also seen on prefixes 1, 2, 5, gone at prefix 3/,
    );
  });

  it('skipped prefixes right before the first one with it leave every patch they hide as a candidate', () => {
    expect(classify(o('xxxss===').slice(0, 8), patches)).toEqual({ verdict: 'skipped', candidates: patches.slice(2, 5) });
    const atStart = classify(o('ss======'), patches);
    expect(atStart).toEqual({ verdict: 'skipped', candidates: patches.slice(0, 2) });
    expect(describeBisect(atStart)).toBe(
      'introduced by one of 1/7, 2/7 or present on the baseline: prefixes 0, 1 did not build or boot (skipped, as git bisect skip does)',
    );
    // prefixes that ran without a verdict (the model has no oracle there) are not said to have failed to build
    const silent = o('nnnnnnn=');
    expect(describeBisect(classify(silent, patches), silent)).toBe(
      'introduced by one of 1/7, 2/7, 3/7, 4/7, 5/7, 6/7, 7/7 or present on the baseline: prefixes 0, 1, 2, 3, 4, 5, 6 ran but gave no verdict (no oracle there, or the scenario did not finish)',
    );
    // a skipped prefix elsewhere changes nothing
    expect(classify(o('xsxxxxx='), patches)).toEqual({ verdict: 'introduced', patch: patches[6] });
  });

  it('the text names the patch that wrote the code when it comes before the one the failure shows with', () => {
    const blame = { patch: patches[5]!, file: 'io_uring/kbuf.c', hunk: '@@ -117,20 +118,135 @@', how: 'the model rule r cites f of 6/7' };
    expect(describeBisect({ verdict: 'introduced', patch: patches[6]!, blame })).toBe(
      'introduced by [PATCH 6/7] subject 6 <id-6@example.org>; first fails with [PATCH 7/7] subject 7 <id-7@example.org>, which makes it reachable (the model rule r cites f of 6/7)',
    );
    expect(describeBisect({ verdict: 'baseline' })).toMatch(/^present on the baseline/);
  });
});

describe('the bisection signature', () => {
  const diff = (got: string) => ({
    status: 'fail' as const,
    diffs: [{ where: 'cqe 1 of user_data 1 (step 1 send_zc)', field: 'res', expected: '-14', got, rule: 'rfc.regbuf-index' }],
  });
  it("keeps the kernel's answer: a prefix without the feature (-95) is not the full series' bug (10)", () => {
    // The minimizer's signature cannot tell them apart (values are left out on purpose) ...
    expect(failureSignature(diff('-95 (-EOPNOTSUPP)'))).toBe(failureSignature(diff('10')));
    // ... bisection's can.
    expect(bisectSignature(diff('-95 (-EOPNOTSUPP)'))).not.toBe(bisectSignature(diff('10')));
    expect(bisectSignature(diff('10'))).toBe('fail:cqe 1 of user_data 1 (step 1 send_zc).res[rfc.regbuf-index]=10');
    expect(bisectSignature({ status: 'pass', diffs: [] })).toBeUndefined();
  });
  it('a crash by its title, so the same crash on two prefixes is the same finding', () => {
    const crash = (title: string) => ({ status: 'crash' as const, diffs: [], crash: { title, headline: title, frames: [], text: '' } });
    expect(bisectSignature(crash('BUG: unable to handle page fault in io_send_zc'))).toBe(
      'crash:BUG: unable to handle page fault in io_send_zc',
    );
    expect(bisectSignature(crash('a'))).not.toBe(bisectSignature(crash('b')));
  });
});
