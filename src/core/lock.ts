// A lock across processes for a cache entry or the shared kernel tree: two
// builds (two terminals, CI and a developer, two kernels of one gate) must not
// write the same thing at once. mkdir is atomic; the owner's pid is written
// inside (written to a temporary name and renamed, so a reader never sees it
// half written). A lock is taken over when its owner is gone, or when it has
// no readable pid file and is older than a minute (a process killed between
// mkdir and write); one waiter at a time takes over (breakStale).
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

const STALE_WITHOUT_PID_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Owner {
  pid: number;
  host: string;
}

/** The owner named by the pid file; undefined when there is none or it is not "<pid> <host>" (yet). */
async function ownerOf(dir: string): Promise<Owner | undefined> {
  const text = await readFile(`${dir}/pid`, 'utf-8').catch(() => undefined);
  const m = text === undefined ? null : /^([1-9][0-9]*)(?: (\S+))?\s*$/.exec(text);
  if (!m) return undefined;
  return { pid: Number(m[1]), host: m[2] ?? hostname() };
}

/** Why the lock at dir may be taken over, or undefined while its owner may still hold it. */
async function staleReason(dir: string): Promise<string | undefined> {
  const owner = await ownerOf(dir);
  if (owner) {
    if (owner.host !== hostname()) return undefined; // another machine's lock on a shared cache: wait
    return alive(owner.pid) ? undefined : `its owner (pid ${owner.pid}) is gone`;
  }
  const st = await stat(dir).catch(() => undefined);
  if (!st) return undefined; // released meanwhile
  return Date.now() - st.mtimeMs > STALE_WITHOUT_PID_MS ? 'it has no owner pid and is older than a minute' : undefined;
}

export interface LockOptions {
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Poll interval while another process holds the lock. */
  pollMs?: number;
}

const BREAKER_STALE_MS = 10_000;

/**
 * Removes the stale lock at dir, under a second lock (dir.break) so that two
 * waiters never both act on one stale lock: the second would otherwise remove
 * the fresh lock the first had just taken (two holders, two builds). Whether
 * the lock is stale is checked again under the breaker. A breaker is held for
 * milliseconds; one older than 10 s was left by a killed process and goes.
 */
async function breakStale(dir: string, o: LockOptions): Promise<void> {
  const breaker = `${dir}.break`;
  try {
    await mkdir(breaker);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const st = await stat(breaker).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > BREAKER_STALE_MS) await rm(breaker, { recursive: true, force: true });
    else await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    return;
  }
  try {
    const stale = await staleReason(dir);
    if (stale) {
      o.log?.(`taking over the lock ${dir}: ${stale}`);
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await rm(breaker, { recursive: true, force: true });
  }
}

export async function withLock<T>(dir: string, fn: () => Promise<T>, o: LockOptions = {}): Promise<T> {
  let announced = false;
  await mkdir(dirname(dir), { recursive: true });
  for (;;) {
    o.signal?.throwIfAborted();
    try {
      await mkdir(dir);
      const tmp = `${dir}/pid.${randomBytes(4).toString('hex')}`;
      await writeFile(tmp, `${process.pid} ${hostname()}\n`);
      await rename(tmp, `${dir}/pid`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (await staleReason(dir)) {
        await breakStale(dir, o);
        continue;
      }
      if (!announced) {
        const owner = await ownerOf(dir);
        o.log?.(`waiting for another uringspec (pid ${owner?.pid ?? '?'}) holding ${dir}`);
        announced = true;
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
