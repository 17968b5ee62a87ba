// Bisection verdicts from the outcome of a finding on each prefix of a
// series (as git bisect names the first bad commit and skips what does not
// build), and the signature that tells "fails another way" from "fails this
// way": what the kernel answered at the first difference.
import { describe, expect, it } from 'vitest';
import {
  classify,
  describeBisect,
  describePatch,
  describePrefixes,
  type BisectReport,
  type FindingBisect,
  type PatchRef,
  type PrefixOutcome,
} from '../../src/judge/bisect.ts';
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

describe('bisection verdicts: the edges', () => {
  it('a skipped prefix 0 before the run: patch 1 or the baseline', () => {
    const v = classify(o('s======='), patches);
    expect(v).toEqual({ verdict: 'skipped', candidates: patches.slice(0, 1) });
    expect(describeBisect(v, o('s======='))).toBe(
      'introduced by one of 1/7 or present on the baseline: prefix 0 did not build or boot (skipped, as git bisect skip does)',
    );
  });

  it('candidates after patch 1: not the baseline; prefixes that did not build and ones without a verdict both named', () => {
    // prefix 2 ran and does not fail this way: patches 3, 4, 5 are the candidates, prefixes 3 and 4 what hides them
    const out = o('xxxsn===');
    const v = classify(out, patches);
    expect(v).toEqual({ verdict: 'skipped', candidates: patches.slice(2, 5) });
    expect(describeBisect(v, out)).toBe(
      'introduced by one of 3/7, 4/7, 5/7: prefix 3 did not build or boot (skipped, as git bisect skip does); prefix 4 ran but gave no verdict (no oracle there, or the scenario did not finish)',
    );
    // prefix 0 ran without it: patch 1 is a candidate, the baseline is not
    const first = o('xss=====');
    expect(describeBisect(classify(first, patches), first)).toBe(
      'introduced by one of 1/7, 2/7, 3/7: prefixes 1, 2 did not build or boot (skipped, as git bisect skip does)',
    );
  });

  it('seen, then skipped prefixes before it came back: the history goes with the candidates', () => {
    const out = o('x=pss===');
    const v = classify(out, patches);
    expect(v).toEqual({ verdict: 'skipped', candidates: patches.slice(2, 5), seen: [1], goneAt: 2 });
    expect(describeBisect(v, out)).toBe(
      'introduced by one of 3/7, 4/7, 5/7: prefixes 3, 4 did not build or boot (skipped, as git bisect skip does); also seen on prefix 1, gone at prefix 2 (fixed by a later patch), back with this patch',
    );
  });

  it('fixed later: where it went away unknown, and the patch whose code is at fault', () => {
    const blame = { patch: patches[3]!, file: 'io_uring/net.c', hunk: '@@ -1,2 +1,3 @@', how: 'the rule r cites f of 4/7' };
    expect(describeBisect({ verdict: 'fixed-later', patch: patches[6]!, seen: [2], blame })).toBe(
      'fixed by a later patch, then back: appears again with [PATCH 7/7] subject 7 <id-7@example.org>; also seen on prefix 2, gone later, back with this patch; the code at fault comes from [PATCH 4/7] subject 4 <id-4@example.org> (the rule r cites f of 4/7)',
    );
    expect(describeBisect({ verdict: 'fixed-later', patch: patches[6]!, seen: [2], goneAt: -1 })).toBe(
      'fixed by a later patch, then back: appears again with [PATCH 7/7] subject 7 <id-7@example.org>; also seen on prefix 2, gone later, back with this patch',
    );
    // the blamed patch is the one it appears with: nothing more to say
    expect(
      describeBisect({ verdict: 'fixed-later', patch: patches[6]!, seen: [2], goneAt: 3, blame: { ...blame, patch: patches[6]! } }),
    ).toBe(
      'fixed by a later patch, then back: appears again with [PATCH 7/7] subject 7 <id-7@example.org>; also seen on prefix 2, gone at prefix 3 (fixed by a later patch), back with this patch',
    );
    expect(describeBisect({ verdict: 'introduced', patch: patches[6]!, blame: { ...blame, patch: patches[6]! } })).toBe(
      'introduced by [PATCH 7/7] subject 7 <id-7@example.org>',
    );
  });

  it('a patch without a Message-ID', () => {
    expect(describePatch({ index: 2, total: 3, tags: 'PATCH v2 2/3', subject: 's' })).toBe('[PATCH v2 2/3] s');
  });
});

describe('the one line about a whole bisection', () => {
  const finding = (f: Partial<FindingBisect>): FindingBisect => ({
    id: 'x',
    file: 'f.yaml',
    line: 1,
    signature: 's',
    verdict: 'introduced',
    steps: [],
    text: '',
    ...f,
  });
  const report = (findings: FindingBisect[], n = 7): BisectReport => ({
    series: { subject: 'io_uring: provided registered buffers', version: 2, patches: patches.slice(0, n) },
    kernel: 'sendzc-provided-rfc',
    profile: 'rfc-v1',
    prefixes: [
      { index: 0, label: 'p0', status: 'ran' },
      { index: 1, label: 'p1', status: 'skipped', reason: 'does not build: error' },
      { index: 2, label: 'p2', status: 'ran' },
      { index: 3, label: 'p3', status: 'skipped', reason: 'did not boot: panic' },
    ],
    findings,
  });

  it('the series, what ran, what was skipped and why, where each finding comes from', () => {
    const blame = { patch: patches[3]!, file: 'a', hunk: 'h', how: 'w' };
    const b = report([
      finding({ verdict: 'introduced', patch: patches[5]! }),
      finding({ verdict: 'introduced', patch: patches[5]! }),
      finding({ verdict: 'introduced', patch: patches[6]!, blame }),
      finding({ verdict: 'baseline' }),
      finding({ verdict: 'skipped', candidates: patches.slice(1, 3) }),
      finding({ verdict: 'fixed-later', patch: patches[6]!, seen: [1] }),
    ]);
    expect(describePrefixes(b)).toBe(
      '"io_uring: provided registered buffers" v2, 7 patches, judged by model rfc-v1; prefixes 0,2 ran; prefix 1 skipped (does not build: error); prefix 3 skipped (did not boot: panic); 6 finding(s): 2 from 6/7, 1 from 4/7, 1 from baseline, 1 from one of 2,3, 1 from 7/7 (back after a fix)',
    );
  });

  it('nothing to bisect; one patch; no prefix ran', () => {
    expect(describePrefixes(report([], 1))).toBe(
      '"io_uring: provided registered buffers" v2, 1 patch, judged by model rfc-v1; nothing to bisect (no finding on the full series); prefix 1 skipped (does not build: error); prefix 3 skipped (did not boot: panic)',
    );
    const none = {
      ...report([finding({ verdict: 'baseline' })]),
      prefixes: [{ index: 0, label: 'p0', status: 'skipped' as const, reason: 'r' }],
    };
    expect(describePrefixes(none)).toBe(
      '"io_uring: provided registered buffers" v2, 7 patches, judged by model rfc-v1; prefixes none ran; prefix 0 skipped (r); 1 finding(s): 1 from baseline',
    );
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
