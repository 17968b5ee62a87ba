// `--out` is checked before any work, by every command that has it: an input
// is never overwritten, missing parents are created, an unwritable place is
// an error (exit 2) before the run, never a stack trace after it.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => execa('node', ['bin/uringspec.mjs', ...args], { reject: false });
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-out-'));
const rel = (f: string) => relative(process.cwd(), f);
const T = 60_000;
const FIXTURE = 'test/fixtures/basic.yaml';

/** A directory holding a copy of the fixture spec, as a.yaml. */
function specDir(): { dir: string; spec: string; text: string } {
  const dir = tmp();
  const spec = join(dir, 'a.yaml');
  copyFileSync(FIXTURE, spec);
  return { dir, spec, text: readFileSync(spec, 'utf8') };
}

describe('--out', () => {
  it(
    'run: --out naming the spec it runs is refused and the spec is left as it was',
    async () => {
      const { spec, text } = specDir();
      const r = await cli('run', spec, '--report', 'json', '--out', spec, '--quiet');
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^uringspec run: --out ${rel(spec)} would overwrite the input ${rel(spec)}; name another file$`, 'm'),
      );
      expect(r.stdout).toBe('');
      expect(readFileSync(spec, 'utf8')).toBe(text);
    },
    T,
  );

  it(
    'run and generate: a spec found in a directory given is an input too, also through a link',
    async () => {
      const { dir, spec, text } = specDir();
      symlinkSync('a.yaml', join(dir, 'link.yaml'));
      const r = await cli('run', dir, '--report', 'ktap', '--out', join(dir, 'link.yaml'), '--quiet');
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`--out ${rel(join(dir, 'link.yaml'))} would overwrite`);
      const g = await cli('generate', dir, '--out', `${dir}/./a.yaml`);
      expect(g.exitCode).toBe(2);
      expect(g.stderr).toContain(`--out ${rel(spec)} would overwrite the input ${rel(spec)}`);
      expect(readFileSync(spec, 'utf8')).toBe(text);
    },
    T,
  );

  it(
    'run: missing parent directories are created and the report lands there',
    async () => {
      const out = join(tmp(), 'new', 'deeper', 'report.json');
      const r = await cli('run', FIXTURE, '--report', 'json', '--out', out, '--quiet');
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8')).tool).toBe('uringspec');
    },
    T,
  );

  it(
    'run, fuzz, schema, generate: a place that cannot be written is an error before any work',
    async () => {
      const file = join(tmp(), 'plain-file');
      writeFileSync(file, 'x');
      const under = join(file, 'sub', 'report.json');
      const r = await cli('run', FIXTURE, '--report', 'json', '--out', under);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(
        /^uringspec run: --out .*plain-file\/sub\/report\.json: cannot be created \(ENOTDIR, a part of the path is a file\)$/m,
      );
      expect(r.stderr).not.toMatch(/internal error|\[compile\]/);
      expect(r.stdout).toBe('');
      const f = await cli('fuzz', '--count', '1', '--out', join(file, 'findings'));
      expect(f.exitCode).toBe(2);
      expect(f.stderr).toMatch(
        /^uringspec fuzz: --out .*plain-file\/findings: cannot be created \(ENOTDIR, a part of the path is a file\)$/m,
      );
      // A parent that exists but cannot be written (root may write anywhere but here).
      const ro = await cli('run', FIXTURE, '--report', 'json', '--out', '/sys/uringspec-report.json');
      expect(ro.exitCode).toBe(2);
      expect(ro.stderr).toMatch(/^uringspec run: --out .*sys\/uringspec-report\.json: cannot write in .*sys \((EACCES|EROFS|EPERM)/m);
      const s = await cli('schema', '--out', tmp());
      expect(s.exitCode).toBe(2);
      expect(s.stderr).toMatch(/^uringspec schema: --out .* is a directory; name a file$/m);
      const g = await cli('generate', FIXTURE, '--out', '/proc/version/x.c');
      expect(g.exitCode).toBe(2);
      expect(g.stderr).toMatch(/^uringspec generate: --out .*proc\/version\/x\.c: cannot be created \(ENOTDIR/m);
    },
    T,
  );

  it(
    'repro and minimize: --out a file, or a directory where an output has the input name, is refused',
    async () => {
      const { dir, spec } = specDir();
      const r = await cli('repro', spec, '--scenario', 'zc-plain', '--out', spec);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`--out ${rel(spec)} is a file; name a directory`);
      // minimize writes <id>.min.yaml: here that is the spec it reads.
      const min = join(dir, 'zc-plain.min.yaml');
      copyFileSync(FIXTURE, min);
      const m = await cli('minimize', min, '--scenario', 'zc-plain', '--out', dir);
      expect(m.exitCode).toBe(2);
      expect(m.stderr).toContain(`--out ${rel(dir)} would overwrite the input ${rel(min)}; name another directory`);
    },
    T,
  );

  it(
    'report merge: --out the directory of a report being merged is refused',
    async () => {
      const dir = tmp();
      const report = join(dir, 'report.json');
      const text = JSON.stringify({ tool: 'uringspec', kernels: [] });
      writeFileSync(report, text);
      const r = await cli('report', 'merge', report, '--out', dir);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`--out ${rel(dir)} would overwrite the input ${rel(report)}`);
      expect(readFileSync(report, 'utf8')).toBe(text);
    },
    T,
  );

  it(
    'gate: --out holding a file of the series is refused before any kernel is built',
    async () => {
      const dir = tmp();
      // A recipe whose prerequisite patch lies in the output directory under a report's name.
      const patchDir = join(dir, 'out');
      mkdirSync(patchDir);
      copyFileSync('series/01-rsrc-dont-assign-bvec-twice.mbox', join(patchDir, 'summary.txt'));
      const recipe = join(dir, 'r.yaml');
      writeFileSync(
        recipe,
        readFileSync('kernels/baseline.yaml', 'utf8')
          .replace(/^name: .*$/m, 'name: out-test')
          .replace(/^patches:[\s\S]*?^config:/m, `patches:\n  - path: out/summary.txt\nconfig:`)
          .replace(/kconfig\//g, `${resolve('kernels/kconfig')}/`)
          .replace(/path: patches\//g, `path: ${resolve('kernels/patches')}/`),
      );
      const r = await cli('gate', '--recipe', recipe, '--no-peer', '--quiet', '--out', patchDir);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`--out ${rel(patchDir)} would overwrite the input ${rel(join(patchDir, 'summary.txt'))}`);
      expect(r.stdout).toBe('');
      const f = await cli('gate', '--out', recipe);
      expect(f.exitCode).toBe(2);
      expect(f.stderr).toContain(`--out ${rel(recipe)} is a file; name a directory`);
    },
    T,
  );

  it(
    'series export: --out the format-patch directory it reads is refused',
    async () => {
      const dir = tmp();
      const first = await cli('series', 'export', 'series/02-get-rid-of-io_kiocb-imu-v3.mbox', '--out', dir);
      expect(first.exitCode).toBe(0);
      const again = await cli('series', 'export', dir, '--out', dir);
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toMatch(
        /would overwrite the input .*\/0001-io-uring-uring-cmd-get-rid-of-using-req-imu\.patch; name another directory$/m,
      );
    },
    T,
  );
});
