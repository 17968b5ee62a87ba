// The `reproduce` command of every result is one shell word per argument: a
// spec file named `x;touch PWNED;.yaml` must come back as that file name when
// the printed command runs through sh, and run nothing else.
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import type { RunReport } from '../../src/report/report.ts';

it('reproduce commands survive sh -c with a hostile spec file name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uspec-quote-'));
  const spec = join(dir, 'x;touch PWNED;.yaml');
  copyFileSync('test/fixtures/basic.yaml', spec);
  const r = await execa('node', ['bin/uringspec.mjs', 'run', spec, '--report', 'json', '--quiet'], { reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as RunReport;
  const results = report.kernels[0]!.results;
  expect(results.length).toBe(5);
  for (const res of results) {
    // npx stands in for itself: it records the words it was given.
    const argsFile = join(dir, `args-${res.id}`);
    const sh = await execa('sh', ['-c', `npx() { printf '%s\\n' "$@" > ${JSON.stringify(argsFile)}; }; ${res.reproduce}`], {
      cwd: dir,
      reject: false,
    });
    expect(sh.exitCode, sh.stderr).toBe(0);
    expect(readFileSync(argsFile, 'utf8').split('\n').slice(0, -1)).toEqual(['uringspec', 'run', res.file, '--scenario', res.id]);
    expect(res.file).toContain('x;touch PWNED;.yaml');
  }
  expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  expect(existsSync('PWNED')).toBe(false);
}, 60_000);
