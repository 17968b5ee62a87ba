// The peer suite: liburing's own regression tests, from the same Debian
// source package as the library (trixie, 2.9), built static so they run in the
// bare guest. judge/peer.ts reads their results by their own conventions.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir } from '../core/cache.ts';
import { InfraError } from '../core/errors.ts';
import type { RunItem, TargetFile } from '../core/target.ts';

/** The liburing tests that exercise what the RFC touches (send zc, provided buffers, bundles, plain send/recv). */
export const DEFAULT_PEER_TESTS = [
  'send-zerocopy',
  'recvsend_bundle',
  'recvsend_bundle-inc',
  'buf-ring',
  'buf-ring-put',
  'send_recv',
  'send_recvmsg',
  'recv-multishot',
  'socket-rw',
];

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
    const r = await execa('make', ['-C', join(src, 'test'), '-j2', 'LDFLAGS=-static', ...missing.map((t) => `${t}.t`)], {
      reject: false,
      all: true,
    });
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
