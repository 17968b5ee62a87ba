// The cache (~/.cache/uringspec, or $URINGSPEC_CACHE): everything uringspec
// downloads or builds, keyed by content, deletable at any time.
//
// An entry is a directory <cache>/<kind>/<key>/ holding its files and a
// manifest (.uringspec-entry.json: every file's size and sha256), written
// last. An entry is used only when its manifest verifies; one that does not
// (truncated, edited, half-deleted) is rebuilt with a message saying so.
// Each entry is built once even when several targets in one process (single
// flight) or several processes (a lock, see lock.ts) ask for it at once, in a
// temporary directory with a name no other builder uses, renamed into place.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { InfraError } from './errors.ts';
import { withLock } from './lock.ts';

/** The cache root. An empty URINGSPEC_CACHE counts as unset. */
export function cacheDir(...parts: string[]): string {
  return join(process.env.URINGSPEC_CACHE || join(homedir(), '.cache', 'uringspec'), ...parts);
}

/** sha256 over length-prefixed chunks, so ("ab","c") and ("a","bc") differ. */
export function sha256(...chunks: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const c of chunks) {
    h.update(String(typeof c === 'string' ? Buffer.byteLength(c) : c.byteLength) + ':');
    h.update(c);
  }
  return h.digest('hex');
}

export function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export const MANIFEST = '.uringspec-entry.json';

interface Manifest {
  kind: string;
  key: string;
  writtenAt: string;
  files: Record<string, { size: number; sha256: string }>;
}

export class CacheEntryError extends InfraError {}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) out.push(...(await listFiles(p, base)));
    else if (ent.isFile() && ent.name !== MANIFEST) out.push(relative(base, p));
  }
  return out.sort();
}

export async function writeManifest(dir: string, kind: string, key: string): Promise<void> {
  const files: Manifest['files'] = {};
  for (const f of await listFiles(dir)) files[f] = { size: (await stat(join(dir, f))).size, sha256: await fileSha256(join(dir, f)) };
  const m: Manifest = { kind, key, writtenAt: new Date().toISOString(), files };
  await writeFile(join(dir, MANIFEST), JSON.stringify(m, null, 2) + '\n');
}

/** Files larger than this are verified by size when an entry is reused (hashing a 100 MB debug image costs more than the run); their sha256 is still recorded. */
const HASH_VERIFY_MAX = 64 << 20;

/** Entries verified by this process (path -> manifest mtime), so a hot loop hashes each once. */
const verified = new Map<string, number>();

/** undefined when the entry at dir is whole; else what is wrong with it ('missing' when there is none). */
export async function checkEntry(dir: string): Promise<string | undefined> {
  const mf = join(dir, MANIFEST);
  const st = await stat(mf).catch(() => undefined);
  if (!st) return existsSync(dir) ? 'it has no manifest (an interrupted or older build)' : 'missing';
  if (verified.get(dir) === st.mtimeMs) return undefined;
  let m: Manifest;
  try {
    m = JSON.parse(await readFile(mf, 'utf8')) as Manifest;
  } catch {
    return 'its manifest is unreadable';
  }
  for (const [f, want] of Object.entries(m.files ?? {})) {
    const fst = await stat(join(dir, f)).catch(() => undefined);
    if (!fst) return `${f} is missing`;
    if (fst.size !== want.size) return `${f} has ${fst.size} bytes, ${want.size} were written`;
    if (want.size <= HASH_VERIFY_MAX && (await fileSha256(join(dir, f))) !== want.sha256)
      return `${f} does not match the sha256 recorded when it was written`;
  }
  verified.set(dir, st.mtimeMs);
  return undefined;
}

export interface EntryRequest {
  /** Folder under the cache: "programs", "guest", "kernels", ... */
  kind: string;
  /** Content key (a hash of every input); names the entry's directory. */
  key: string;
  /** Fills `dir` (a fresh, empty, private directory). The manifest is written after it returns. */
  build: (dir: string) => Promise<void>;
  /** Rebuild even when a whole entry exists (--rebuild). */
  rebuild?: boolean;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface Entry {
  dir: string;
  hit: boolean;
}

const inFlight = new Map<string, Promise<Entry>>();

/** The entry's directory, built if it is missing or broken. */
export function cachedEntry(req: EntryRequest): Promise<Entry> {
  const dir = cacheDir(req.kind, req.key);
  const running = inFlight.get(dir);
  if (running) return running.then((e) => ({ ...e, hit: true }));
  const p = getOrBuild(dir, req).finally(() => inFlight.delete(dir));
  inFlight.set(dir, p);
  return p;
}

async function getOrBuild(dir: string, req: EntryRequest): Promise<Entry> {
  if (!req.rebuild && (await checkEntry(dir)) === undefined) return { dir, hit: true };
  return withLock(
    cacheDir('locks', req.kind, req.key),
    async () => {
      // Another process may have built it while this one waited.
      const problem = await checkEntry(dir);
      if (!req.rebuild && problem === undefined) return { dir, hit: true };
      // Always said, also under --quiet: a broken entry is news, and never silently a verdict.
      if (problem && problem !== 'missing') process.stderr.write(`uringspec: cache entry ${dir} is broken (${problem}): rebuilding it\n`);
      const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      await mkdir(tmp, { recursive: true });
      try {
        await req.build(tmp);
        await writeManifest(tmp, req.kind, req.key);
        verified.delete(dir);
        await rm(dir, { recursive: true, force: true });
        await rename(tmp, dir);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      return { dir, hit: false };
    },
    { ...(req.log ? { log: req.log } : {}), ...(req.signal ? { signal: req.signal } : {}) },
  );
}
