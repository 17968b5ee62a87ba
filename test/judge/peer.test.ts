// liburing's tests judged by their own conventions (exit 0 pass, 77 skip,
// anything else or a kernel splat a failure) and the regression rule: a test
// that passed or skipped on the baseline and fails on the patched kernel.
// Written from the rule in the README, case by case (the mutation run showed
// it had no unit test: only the gate's host runs reached it).
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src/core/target.ts';
import { peerResultOf, regressions, type PeerResult, type PeerStatus } from '../../src/judge/peer.ts';

const item = (over: Partial<ItemResult>): ItemResult => ({
  id: 'peer:send_recv',
  status: 'exited',
  exitCode: 0,
  stdout: '',
  kernelSplats: [],
  durationMs: 3,
  ...over,
});
const peer = (test: string, status: PeerStatus): PeerResult => ({ test, status, durationMs: 1, kernelSplats: [], tail: '' });

describe('liburing test results', () => {
  it('exit 0 pass, 77 skip, other codes fail; a splat fails even exit 0; timeout; a signal or crash is a crash', () => {
    const status = (over: Partial<ItemResult>) => peerResultOf(item(over)).status;
    expect(status({ exitCode: 0 })).toBe('pass');
    expect(status({ exitCode: 77 })).toBe('skip');
    expect(status({ exitCode: 1 })).toBe('fail');
    expect(status({ exitCode: 78 })).toBe('fail');
    expect(status({ exitCode: 0, kernelSplats: ['WARNING: at net/core'] })).toBe('fail');
    expect(status({ status: 'timeout', exitCode: undefined })).toBe('timeout');
    expect(status({ status: 'signaled', exitCode: undefined, signal: 11 })).toBe('crash');
    expect(status({ status: 'crashed', exitCode: undefined })).toBe('crash');
    expect(status({ status: 'lost', exitCode: undefined })).toBe('crash');
  });

  it('names the test without its prefix, keeps the exit code and the last 8 lines of output', () => {
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
    const r = peerResultOf(item({ id: 'peer:buf-ring', exitCode: 1, stdout: lines.join('\n'), durationMs: 42, kernelSplats: ['BUG: x'] }));
    expect(r).toEqual({
      test: 'buf-ring',
      status: 'fail',
      exitCode: 1,
      durationMs: 42,
      kernelSplats: ['BUG: x'],
      tail: lines.slice(-8).join('\n'),
    });
    expect('exitCode' in peerResultOf(item({ status: 'timeout', exitCode: undefined }))).toBe(false);
  });
});

describe('regressions', () => {
  it('every baseline status against every patched status: only pass/skip before and fail/timeout/crash after', () => {
    const all: PeerStatus[] = ['pass', 'skip', 'fail', 'timeout', 'crash'];
    const got: string[] = [];
    for (const b of all) for (const p of all) if (regressions([peer('t', b)], [peer('t', p)]).length) got.push(`${b}->${p}`);
    expect(got).toEqual(['pass->fail', 'pass->timeout', 'pass->crash', 'skip->fail', 'skip->timeout', 'skip->crash']);
  });

  it('a test the baseline did not run is no regression; the order is the patched run order', () => {
    expect(regressions([], [peer('new', 'fail')])).toEqual([]);
    expect(
      regressions([peer('a', 'pass'), peer('b', 'pass'), peer('c', 'fail')], [peer('b', 'fail'), peer('c', 'fail'), peer('a', 'crash')]),
    ).toEqual(['b', 'a']);
  });
});
