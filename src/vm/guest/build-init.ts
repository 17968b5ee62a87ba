// Compiles guest/init.c into a static binary, a cache entry keyed by the
// source and the compiler, so every run after the first reuses it (and two
// kernels booting at once build it once).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedEntry, sha256 } from '../../core/cache.ts';
import { cc, compilerId } from '../../core/cc.ts';
import { InfraError } from '../../core/errors.ts';

export const GUEST_INIT_SOURCE = fileURLToPath(new URL('./init.c', import.meta.url));

export async function buildGuestInit(o: { log?: (line: string) => void; signal?: AbortSignal } = {}): Promise<string> {
  const key = sha256(await readFile(GUEST_INIT_SOURCE), await compilerId()).slice(0, 16);
  const entry = await cachedEntry({
    kind: 'guest',
    key,
    ...o,
    build: async (dir) => {
      const r = await cc({
        sources: [GUEST_INIT_SOURCE],
        out: join(dir, 'init'),
        flags: ['-static', '-O2', '-Wall', '-Werror'],
        ...(o.signal ? { signal: o.signal } : {}),
      });
      if (!r.ok) throw new InfraError('building the guest init failed (is libc6-dev installed?)', r.output);
    },
  });
  return join(entry.dir, 'init');
}
