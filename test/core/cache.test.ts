// Cache entries and locks under damage and contention: a truncated or edited
// binary is rebuilt with a message naming the entry (never run into a CRASH
// verdict), stale locks are taken over and live ones are not, and several
// processes asking for one entry at once build it once.
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { checkEntry } from '../../src/core/cache.ts';
import { withLock } from '../../src/core/lock.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-cache-'));
/** A private cache, with the real liburing (setup builds it into the user's cache). */
const envFor = (cache: string) => ({
  ...process.env,
  URINGSPEC_CACHE: cache,
  URINGSPEC_LIBURING: process.env.URINGSPEC_LIBURING || join(homedir(), '.cache', 'uringspec', 'liburing-2.9'),
});
const run = (cache: string) =>
  execa('node', ['bin/uringspec.mjs', 'run', 'test/fixtures/basic.yaml', '--quiet'], { reject: false, env: envFor(cache) });

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const p = execa('true');
  const pid = p.pid!;
  await p;
  return pid;
}

/** withLock that gives up after ms: resolves to 'acquired' or 'waited'. */
async function tryLock(dir: string, ms: number, log: string[] = []): Promise<'acquired' | 'waited'> {
  try {
    await withLock(dir, async () => {}, { signal: AbortSignal.timeout(ms), pollMs: 20, log: (l) => log.push(l) });
    return 'acquired';
  } catch (e) {
    if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') return 'waited';
    throw e;
  }
}

describe('cache entries', () => {
  it('a truncated or edited suite binary is rebuilt, with a message naming the entry; every verdict stays a pass', async () => {
    const cache = tmp();
    const first = await run(cache);
    expect(first.exitCode, first.stderr).toBe(0);
    const entries = readdirSync(join(cache, 'programs')).map((k) => join(cache, 'programs', k));
    const suite = entries.map((e) => join(e, 'uringspec-suite')).find((f) => readFileSync(f).length > 0)!;
    const entry = join(suite, '..');
    const size = statSync(suite).size;

    writeFileSync(suite, readFileSync(suite).subarray(0, 4096));
    const truncated = await run(cache);
    expect(truncated.stderr).toContain(
      `uringspec: cache entry ${entry} is broken (uringspec-suite has 4096 bytes, ${size} were written): rebuilding it`,
    );
    expect(truncated.stdout).toMatch(/: 5\/5 pass$/m);
    expect(truncated.stdout).not.toMatch(/CRASH|crash/);
    expect(truncated.exitCode).toBe(0);
    expect(await checkEntry(entry)).toBeUndefined();

    // Same size, other bytes: the sha256 in the manifest catches it.
    const fd = openSync(suite, 'r+');
    writeSync(fd, Buffer.alloc(64, 0xcc), 0, 64, size - 4096);
    closeSync(fd);
    const edited = await run(cache);
    expect(edited.stderr).toContain(
      `uringspec: cache entry ${entry} is broken (uringspec-suite does not match the sha256 recorded when it was written): rebuilding it`,
    );
    expect(edited.stdout).toMatch(/: 5\/5 pass$/m);
    expect(edited.exitCode).toBe(0);
  }, 120_000);

  it('two processes asking for one entry at once build it once; the other waits and uses it', async () => {
    const cache = tmp();
    const log = join(cache, 'log');
    const worker = () =>
      new Promise<{ out: string; err: string }>((resolve, reject) => {
        const p = spawn('node', ['--import', 'tsx', 'test/core/cache-worker.ts', 'entry', 'same-key', log, '3000'], { env: envFor(cache) });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve({ out, err }) : reject(new Error(`worker exit ${code}: ${err}`))));
      });
    const results = await Promise.all([worker(), worker(), worker()]);
    const builds = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('build '));
    expect(builds).toHaveLength(1);
    const entries = results.map((r) => JSON.parse(r.out) as { dir: string; hit: boolean });
    expect(entries.filter((e) => !e.hit)).toHaveLength(1);
    expect(new Set(entries.map((e) => e.dir)).size).toBe(1);
    // They overlapped: the others waited for the builder's lock.
    expect(results.filter((r) => /waiting for another uringspec \(pid \d+\)/.test(r.err)).length).toBeGreaterThanOrEqual(1);
    expect(await checkEntry(entries[0]!.dir)).toBeUndefined();
  }, 120_000);
});

describe('locks', () => {
  it('a lock directory without a pid file older than a minute is taken over; a fresh one is not', async () => {
    const dir = join(tmp(), 'lock');
    mkdirSync(dir);
    expect(await tryLock(dir, 400)).toBe('waited');
    const old = (Date.now() - 2 * 60_000) / 1000;
    utimesSync(dir, old, old);
    const log: string[] = [];
    expect(await tryLock(dir, 5000, log)).toBe('acquired');
    expect(log).toContain(`taking over the lock ${dir}: it has no owner pid and is older than a minute`);
  });

  it('a lock whose pid file is still being written is not taken over', async () => {
    const dir = join(tmp(), 'lock');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pid'), '');
    expect(await tryLock(dir, 400)).toBe('waited');
  });

  it('a lock held by a dead pid is taken over; one held by a live pid is not', async () => {
    const dead = join(tmp(), 'lock');
    mkdirSync(dead);
    const pid = await deadPid();
    writeFileSync(join(dead, 'pid'), `${pid} ${hostname()}\n`);
    const log: string[] = [];
    expect(await tryLock(dead, 5000, log)).toBe('acquired');
    expect(log).toContain(`taking over the lock ${dead}: its owner (pid ${pid}) is gone`);

    const live = join(tmp(), 'lock');
    mkdirSync(live);
    const sleeper = execa('sleep', ['30']);
    writeFileSync(join(live, 'pid'), `${sleeper.pid} ${hostname()}\n`);
    try {
      expect(await tryLock(live, 400)).toBe('waited');
    } finally {
      sleeper.kill();
      await sleeper.catch(() => {});
    }
  });

  it('many waiters on one stale lock: it is taken over once, never held twice', async () => {
    for (let trial = 0; trial < 10; trial++) {
      const dir = join(tmp(), 'lock');
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), `${await deadPid()} ${hostname()}\n`);
      let held = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          new Promise((r) => setTimeout(r, i % 4)).then(() =>
            withLock(
              dir,
              async () => {
                most = Math.max(most, ++held);
                await new Promise((r) => setTimeout(r, 10));
                held--;
              },
              { pollMs: 5 },
            ),
          ),
        ),
      );
      expect(most).toBe(1);
    }
  });
});
