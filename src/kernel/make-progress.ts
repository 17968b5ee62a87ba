// Runs the kernel's make with a readable progress line instead of the whole
// log: "[kernel] CC io_uring/net.o (1234/~1650)". The full log goes to a
// file; on failure its last lines (errors first) are returned.
import { execa } from 'execa';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BuildError } from './build-error.ts';

export interface MakeOptions {
  tree: string;
  objDir: string;
  args: string[];
  logFile: string;
  log: (s: string) => void;
  signal?: AbortSignal;
  /** Show step lines and keep the step count as the estimate for the next run (the main build only). */
  progress?: boolean;
}

const STEP =
  /^\s+(CC|AS|LD|AR|HOSTCC|HOSTLD|GEN|OBJCOPY|UPD|CHK|VDSO\S*|SYSMAP|MKPIGGY|ZOFFSET|VOFFSET|RELOCS|BUILD|CPUSTR|MODPOST|KSYMS|POLICY|WRAP|SYSHDR|SYSTBL|COPY|ASN\.1|BTF|PAD|HYPERCALLS|CAPS|MKCAP|DESCEND|TEST|XZKERN|GZIP|ZSTD|LZ4)\s+(\S.*)$/;

export async function runMake(o: MakeOptions): Promise<{ steps: number }> {
  // the step count of the previous full build is the estimate for this one
  const estimateFile = join(o.objDir, '.uringspec-steps');
  // (an incremental build has no useful total: it rebuilds a few files)
  const incremental = existsSync(join(o.objDir, 'vmlinux'));
  const estimate = existsSync(estimateFile) && !incremental ? Number(await readFile(estimateFile, 'utf-8')) : 0;
  const out = createWriteStream(o.logFile, { flags: 'a' });
  const child = execa('make', ['-C', o.tree, `O=${o.objDir}`, ...o.args], {
    reject: false,
    all: true,
    buffer: false,
    ...(o.signal ? { cancelSignal: o.signal } : {}),
    env: { KBUILD_BUILD_USER: 'uringspec', KBUILD_BUILD_HOST: 'uringspec' },
  });
  let steps = 0;
  let lastPrint = 0;
  const rl = createInterface({ input: child.all });
  rl.on('line', (line) => {
    out.write(line + '\n');
    const m = line.match(STEP);
    if (!m || !o.progress) return;
    steps++;
    const now = Date.now();
    // io_uring objects are what we are here for: always show them
    if (now - lastPrint > 2000 || m[2]!.startsWith('io_uring/')) {
      lastPrint = now;
      const of = estimate > steps ? `/~${estimate}, ${Math.floor((100 * steps) / estimate)}%` : '';
      o.log(`[kernel] ${m[1]} ${m[2]} (${steps}${of})`);
    }
  });
  const result = await child;
  await new Promise<void>((r) => out.end(r));
  if (result.exitCode !== 0) {
    const lines = (await readFile(o.logFile, 'utf-8')).trimEnd().split('\n');
    const errors = lines.filter((l) => /(error|Error \d|\*\*\*)/.test(l)).slice(-15);
    const tail = lines.slice(-25);
    throw new BuildError(
      `make ${o.args.join(' ')} failed (exit ${result.exitCode ?? result.signal}); full log: ${o.logFile}\n${[...new Set([...errors, '...', ...tail])].join('\n')}`,
    );
  }
  if (o.progress && !incremental && steps > estimate) await writeFile(estimateFile, String(steps));
  return { steps };
}
