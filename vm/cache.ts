// Where uringspec keeps what it downloads and builds: ~/.cache/uringspec, or
// $URINGSPEC_CACHE. Everything under it can be deleted at any time.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheDir(...parts: string[]): string {
  return join(process.env.URINGSPEC_CACHE || join(homedir(), '.cache', 'uringspec'), ...parts);
}

export function sha256(...chunks: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const c of chunks) {
    // length-prefix each chunk so ("ab","c") and ("a","bc") hash differently
    h.update(String(typeof c === 'string' ? Buffer.byteLength(c) : c.byteLength) + ':');
    h.update(c);
  }
  return h.digest('hex');
}
