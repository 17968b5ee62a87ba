// Compiles a generated program once per content: the binary is cached under
// the cache dir keyed by a hash of the C source, the runtime header, the
// compiler version and liburing, so an unchanged corpus costs no compile.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { RUNTIME_HEADER, type GeneratedProgram } from '../generator/program.ts';
import { InfraError } from './target.ts';
import { cacheDir, liburingDir } from './toolchain.ts';

// -O1: the suite is straight-line setup code; -O2 triples the compile time (4.3 s vs 1.35 s for 120 scenarios) for nothing.
export const CFLAGS = ['-static', '-O1', '-g', '-Wall', '-Wextra', '-Werror'];

let gccVersion: string | undefined;
async function compilerId(): Promise<string> {
  if (!gccVersion) {
    const r = await execa('gcc', ['--version'], { reject: false });
    if (r.exitCode !== 0) throw new InfraError('gcc not found: run `npm run setup`');
    gccVersion = r.stdout.split('\n')[0]!;
  }
  return gccVersion;
}

export interface CompiledProgram {
  binary: string;
  source: string;
  cacheHit: boolean;
  ms: number;
}

/** A compiler error in generated C is our bug: report it with the C line and the spec line it came from. */
export class GeneratedCodeError extends InfraError {}

export async function compileProgram(prog: GeneratedProgram): Promise<CompiledProgram> {
  const t0 = performance.now();
  const lr = liburingDir();
  const key = createHash('sha256')
    .update(prog.c)
    .update(readFileSync(RUNTIME_HEADER))
    .update(await compilerId())
    .update(CFLAGS.join(' '))
    .update(readFileSync(join(lr, 'lib', 'liburing.a')).subarray(0, 4096))
    .digest('hex')
    .slice(0, 20);
  const dir = join(cacheDir(), 'programs', key);
  const source = join(dir, 'uringspec-suite.c');
  const binary = join(dir, 'uringspec-suite');
  if (existsSync(binary)) return { binary, source, cacheHit: true, ms: performance.now() - t0 };
  mkdirSync(dir, { recursive: true });
  writeFileSync(source, prog.c);
  const tmp = `${binary}.tmp${process.pid}`;
  const r = await execa('gcc', [...CFLAGS, '-I', join(RUNTIME_HEADER, '..'), '-I', join(lr, 'include'), '-o', tmp, source, join(lr, 'lib', 'liburing.a')], { reject: false, all: true });
  if (r.exitCode !== 0) {
    const lines = (r.all ?? '').split('\n');
    const first = lines.find((l) => /error:/.test(l)) ?? lines[0] ?? '';
    const m = /uringspec-suite\.c:(\d+):\d+:/.exec(first);
    const cLine = m ? Number(m[1]) : undefined;
    const origin = cLine ? prog.specLineOf(cLine) : undefined;
    throw new GeneratedCodeError(
      `generated C does not compile (a uringspec bug): ${first.trim()}${origin ? `\n  generated from ${origin}` : ''}\n  source kept at ${source}`,
      r.all,
    );
  }
  renameSync(tmp, binary);
  return { binary, source, cacheHit: false, ms: performance.now() - t0 };
}
