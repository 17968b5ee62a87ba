// Builds the small static programs in test/vm/progs/ for the QEMU tests.
// liburing-nop is built only when liburing 2.9 (static) is in the cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetFile } from '../../src/core/target.ts';
import { cacheDir } from '../../src/core/cache.ts';

const PROGS = join(import.meta.dirname, 'progs');

export function buildGuestProgs(): { files: TargetFile[]; guest: (name: string) => string; names: string[] } {
  const out = mkdtempSync(join(tmpdir(), 'uspec-progs-'));
  const names = ['uring-smoke', 'crash', 'echo-bytes', 'hang', 'mark', 'crash-if-marked'];
  const liburing = cacheDir('liburing-2.9');
  if (existsSync(join(liburing, 'lib', 'liburing.a'))) names.push('liburing-nop');
  for (const n of names) {
    const extra =
      n === 'liburing-nop' ? [`-I${liburing}/include`, join(PROGS, `${n}.c`), `${liburing}/lib/liburing.a`] : [join(PROGS, `${n}.c`)];
    execFileSync('gcc', ['-static', '-O2', '-Wall', '-Werror', '-o', join(out, n), ...extra]);
  }
  const guest = (n: string) => `/uspec/bin/${n}`;
  return { files: names.map((n) => ({ hostPath: join(out, n), guestPath: guest(n), mode: 0o755 })), guest, names };
}

/** PIDs of QEMU processes whose command line mentions `needle` (our per-test work dir). */
export function qemuPidsWith(needle: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args=']).toString();
  return out
    .split('\n')
    .filter((l) => l.includes('qemu-system-x86_64') && l.includes(needle))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
