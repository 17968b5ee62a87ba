// liburing's tests judged by their own conventions (exit 0 pass, 77 skip). A
// test that passes on the baseline and fails on the patched kernel is a
// regression.
import type { ItemResult } from '../core/target.ts';

export type PeerStatus = 'pass' | 'skip' | 'fail' | 'timeout' | 'crash';

export interface PeerResult {
  test: string;
  status: PeerStatus;
  exitCode?: number;
  durationMs: number;
  kernelSplats: string[];
  tail: string;
}

export function peerResultOf(item: ItemResult): PeerResult {
  const test = item.id.replace(/^peer:/, '');
  const tail = item.stdout.split('\n').slice(-8).join('\n');
  const base = {
    test,
    durationMs: item.durationMs,
    kernelSplats: item.kernelSplats,
    tail,
    ...(item.exitCode !== undefined ? { exitCode: item.exitCode } : {}),
  };
  if (item.status === 'timeout') return { ...base, status: 'timeout' };
  if (item.status !== 'exited') return { ...base, status: 'crash' };
  if (item.kernelSplats.length) return { ...base, status: 'fail' };
  return { ...base, status: item.exitCode === 0 ? 'pass' : item.exitCode === 77 ? 'skip' : 'fail' };
}

/** A regression: passed (or skipped) on the baseline, fails on the patched kernel. */
export function regressions(baseline: PeerResult[], patched: PeerResult[]): string[] {
  const before = new Map(baseline.map((r) => [r.test, r.status]));
  return patched
    .filter((r) => (before.get(r.test) === 'pass' || before.get(r.test) === 'skip') && r.status !== 'pass' && r.status !== 'skip')
    .map((r) => r.test);
}
