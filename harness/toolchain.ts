// Where the C toolchain pieces live. liburing is built by scripts/setup.sh
// from Debian trixie's source package into the cache, never installed system-wide.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from './target.ts';

export function cacheDir(): string {
  return process.env.URINGSPEC_CACHE ?? join(homedir(), '.cache', 'uringspec');
}

export function liburingDir(): string {
  const dir = process.env.URINGSPEC_LIBURING ?? join(cacheDir(), 'liburing-2.9');
  if (!existsSync(join(dir, 'lib', 'liburing.a')) || !existsSync(join(dir, 'include', 'liburing.h')))
    throw new InfraError(`liburing 2.9 not found in ${dir}: run \`npm run setup\` first (it builds liburing from Debian trixie's source package)`);
  return dir;
}
