// The peer suite: liburing's own regression tests, from the same Debian
// source package as the library (trixie, 2.9), built static so they run in the
// bare guest, judged by their own conventions (exit 0 pass, 77 skip). A test
// that passes on the baseline and fails on the patched kernel is a regression.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ItemResult, RunItem, TargetFile } from './target.ts';
import { InfraError } from './target.ts';
import { cacheDir } from './toolchain.ts';

/** The liburing tests that exercise what the RFC touches (send zc, provided buffers, bundles, plain send/recv). */
export const DEFAULT_PEER_TESTS = ['send-zerocopy', 'recvsend_bundle', 'recvsend_bundle-inc', 'buf-ring', 'buf-ring-put', 'send_recv', 'send_recvmsg', 'recv-multishot', 'socket-rw'];

/** Generous: send-zerocopy takes ~110 s under TCG. */
export const PEER_TIMEOUT_MS: Record<string, number> = { 'send-zerocopy': 300_000 };
const DEFAULT_TIMEOUT_MS = 60_000;

export const PEER_GUEST_DIR = '/uspec/peer';

export interface PeerBinaries {
  dir: string;
  tests: string[];
}

/** Builds (or reuses) the static test binaries in the cache. */
export async function buildPeerSuite(tests = DEFAULT_PEER_TESTS): Promise<PeerBinaries> {
  const src = join(cacheDir(), 'build', 'liburing-2.9');
  const out = join(cacheDir(), 'liburing-2.9', 'tests');
  if (!existsSync(join(src, 'test', 'Makefile'))) throw new InfraError(`liburing source not found in ${src}: run \`npm run setup\``);
  const unknown = tests.filter((t) => !/^[A-Za-z0-9_-]+$/.test(t) || !existsSync(join(src, 'test', `${t}.c`)));
  if (unknown.length) throw new InfraError(`not liburing 2.9 tests: ${unknown.join(', ')} (see ${join(src, 'test')})`);
  const missing = tests.filter((t) => !existsSync(join(out, `${t}.t`)));
  if (missing.length) {
    const r = await execa('make', ['-C', join(src, 'test'), '-j2', 'LDFLAGS=-static', ...missing.map((t) => `${t}.t`)], { reject: false, all: true });
    if (r.exitCode !== 0) throw new InfraError(`building liburing tests failed: ${(r.all ?? '').split('\n').slice(-5).join('\n')}`);
    mkdirSync(out, { recursive: true });
    for (const t of missing) copyFileSync(join(src, 'test', `${t}.t`), join(out, `${t}.t`));
  }
  return { dir: out, tests };
}

export function peerItems(bins: PeerBinaries, onGuest: boolean): { items: RunItem[]; files: TargetFile[] } {
  const files = bins.tests.map((t) => ({ hostPath: join(bins.dir, `${t}.t`), guestPath: `${PEER_GUEST_DIR}/${t}.t`, mode: 0o755 }));
  const items = bins.tests.map((t) => ({
    id: `peer:${t}`,
    argv: [onGuest ? `${PEER_GUEST_DIR}/${t}.t` : join(bins.dir, `${t}.t`)],
    timeoutMs: PEER_TIMEOUT_MS[t] ?? DEFAULT_TIMEOUT_MS,
  }));
  return { items, files };
}

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
  const base = { test, durationMs: item.durationMs, kernelSplats: item.kernelSplats, tail, ...(item.exitCode !== undefined ? { exitCode: item.exitCode } : {}) };
  if (item.status === 'timeout') return { ...base, status: 'timeout' };
  if (item.status !== 'exited') return { ...base, status: 'crash' };
  if (item.kernelSplats.length) return { ...base, status: 'fail' };
  return { ...base, status: item.exitCode === 0 ? 'pass' : item.exitCode === 77 ? 'skip' : 'fail' };
}

/** A regression: passed (or skipped) on the baseline, fails on the patched kernel. */
export function regressions(baseline: PeerResult[], patched: PeerResult[]): string[] {
  const before = new Map(baseline.map((r) => [r.test, r.status]));
  return patched.filter((r) => (before.get(r.test) === 'pass' || before.get(r.test) === 'skip') && r.status !== 'pass' && r.status !== 'skip').map((r) => r.test);
}
