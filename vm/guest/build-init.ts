// Compiles vm/guest/init.c into a static binary, cached by the hash of the
// source and the compiler version, so every run after the first reuses it.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cacheDir, sha256 } from '../cache.ts';
import { InfraError } from '../../harness/target.ts';

const SOURCE = fileURLToPath(new URL('./init.c', import.meta.url));

export async function gccVersion(): Promise<string> {
  try {
    return (await execa('gcc', ['--version'])).stdout.split('\n')[0] ?? '';
  } catch {
    throw new InfraError('gcc not found: install gcc and libc6-dev');
  }
}

export async function buildGuestInit(): Promise<string> {
  const key = sha256(await readFile(SOURCE), await gccVersion()).slice(0, 16);
  const dir = cacheDir('guest');
  const out = `${dir}/init-${key}`;
  if (existsSync(out)) return out;
  await mkdir(dir, { recursive: true });
  const tmp = `${out}.tmp${process.pid}`;
  const r = await execa('gcc', ['-static', '-O2', '-Wall', '-Werror', '-o', tmp, SOURCE], { reject: false, all: true });
  if (r.exitCode !== 0) {
    throw new InfraError('building the guest init failed (is libc6-dev installed?)', r.all);
  }
  await rename(tmp, out);
  return out;
}
