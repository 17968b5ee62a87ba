// The C toolchain: the one place gcc is invoked (scenario programs, the guest
// init, reproducers, liburing's tests go through make) and where liburing
// lives. liburing 2.9 is built static by scripts/setup.sh from Debian
// trixie's source package into the cache, never installed system-wide.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir, fileSha256 } from './cache.ts';
import { InfraError } from './errors.ts';

export const LIBURING_VERSION = '2.9-1';

let gccId: Promise<string> | undefined;

/** `gcc --version`'s first line: part of every cache key of compiled output. */
export function compilerId(): Promise<string> {
  gccId ??= execa('gcc', ['--version'], { reject: false }).then((r) => {
    if (r.exitCode !== 0) throw new InfraError('gcc not found: run `npm run setup` (it installs gcc and libc6-dev)');
    return r.stdout.split('\n')[0]!;
  });
  return gccId;
}

export interface Liburing {
  dir: string;
  include: string;
  archive: string;
  /** sha256 of liburing.a, recorded by setup and checked here once per process. */
  sha256: string;
}

let liburing: Promise<Liburing> | undefined;

export function findLiburing(): Promise<Liburing> {
  liburing ??= (async () => {
    const dir = process.env.URINGSPEC_LIBURING || cacheDir('liburing-2.9');
    const archive = join(dir, 'lib', 'liburing.a');
    const include = join(dir, 'include');
    const marker = join(dir, `.built-${LIBURING_VERSION}`);
    if (!existsSync(archive) || !existsSync(join(include, 'liburing.h')) || !existsSync(marker))
      throw new InfraError(
        `liburing 2.9 not found in ${dir}: run \`npm run setup\` first (it builds liburing from Debian trixie's source package)`,
      );
    const recorded = readFileSync(marker, 'utf8').trim();
    const sha256 = await fileSha256(archive);
    if (recorded && recorded !== sha256)
      throw new InfraError(
        `${archive} does not match the sha256 setup recorded in ${marker}: the cache entry is broken; run \`npm run setup -- --rebuild\``,
      );
    return { dir, include, archive, sha256 };
  })();
  return liburing;
}

export interface CcJob {
  sources: string[];
  out: string;
  flags: string[];
  includes?: string[];
  /** Archives and -l options, after the sources. */
  libs?: string[];
  signal?: AbortSignal;
}

export interface CcResult {
  ok: boolean;
  /** gcc's stdout and stderr interleaved. */
  output: string;
}

export async function cc(job: CcJob): Promise<CcResult> {
  const args = [...job.flags, ...(job.includes ?? []).flatMap((i) => ['-I', i]), '-o', job.out, ...job.sources, ...(job.libs ?? [])];
  // gcc in its own process group: stopping it means stopping cc1 and as too
  // (they hold gcc's output pipes open, so ending the driver alone leaves the
  // compile running and this promise waiting for it).
  const child = execa('gcc', args, { reject: false, all: true, detached: true });
  const group = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  const stop = () => {
    group('SIGTERM');
    setTimeout(() => group('SIGKILL'), 500).unref();
  };
  if (job.signal?.aborted) stop();
  job.signal?.addEventListener('abort', stop, { once: true });
  try {
    const r = await child;
    if (job.signal?.aborted) throw new InfraError('interrupted while compiling');
    return { ok: r.exitCode === 0, output: r.all ?? '' };
  } finally {
    job.signal?.removeEventListener('abort', stop);
  }
}
