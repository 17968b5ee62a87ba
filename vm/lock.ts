// A directory lock for the shared kernel tree and object dir: two builds
// (two terminals, CI and a developer) must not check out branches under each
// other. A lock whose owner process is gone is taken over.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withLock<T>(dir: string, log: (s: string) => void, fn: () => Promise<T>): Promise<T> {
  let announced = false;
  await mkdir(dirname(dir), { recursive: true });
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(`${dir}/pid`, String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(await readFile(`${dir}/pid`, 'utf-8').catch(() => '0'));
      if (owner && !alive(owner)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`waiting for another build (pid ${owner || '?'}) holding ${dir}`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
