// A lock across processes for a cache entry or the shared kernel tree: two
// builds (two terminals, CI and a developer, two kernels of one gate) must not
// write the same thing at once. mkdir is atomic; the owner's pid is written
// inside. A lock is taken over when its owner is gone, or when it has no pid
// file and is older than a minute (a process killed between mkdir and write).
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

async function ownerOf(dir: string): Promise<Owner | undefined> {
  const text = await readFile(`${dir}/pid`, 'utf-8').catch(() => undefined);
  if (text === undefined) return undefined;
  const [pid, host] = text.trim().split(' ');
  return { pid: Number(pid), host: host ?? hostname() };
}

/** Why the lock at dir may be taken over, or undefined while its owner may still hold it. */
async function staleReason(dir: string): Promise<string | undefined> {
  const owner = await ownerOf(dir);
  if (owner) {
    if (owner.host !== hostname()) return undefined; // another machine's lock on a shared cache: wait
    return owner.pid > 0 && alive(owner.pid) ? undefined : `its owner (pid ${owner.pid}) is gone`;
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

export async function withLock<T>(dir: string, fn: () => Promise<T>, o: LockOptions = {}): Promise<T> {
  let announced = false;
  await mkdir(dirname(dir), { recursive: true });
  for (;;) {
    o.signal?.throwIfAborted();
    try {
      await mkdir(dir);
      await writeFile(`${dir}/pid`, `${process.pid} ${hostname()}\n`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const stale = await staleReason(dir);
      if (stale) {
        // Move it aside atomically (only one waiter wins the rename), then delete.
        const aside = `${dir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
        if (
          await rename(dir, aside).then(
            () => true,
            () => false,
          )
        ) {
          o.log?.(`taking over the lock ${dir}: ${stale}`);
          await rm(aside, { recursive: true, force: true });
        }
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
