// --coverage asked of something that cannot give it: a clear message naming
// the cause, exit 2, and no kernel build first (each case returns in the time
// node takes to start, far below a build).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { KERNELS_DIR } from '../../src/core/paths.ts';

const cli = (...args: string[]) => execa('node', ['bin/uringspec.mjs', ...args], { reject: false, env: { URINGSPEC_CACHE: tmp } });
const tmp = mkdtempSync(join(tmpdir(), 'uspec-cov-input-'));

/** The shipped RFC recipe without its coverage variant, as a user's own recipe file would be. */
function recipeWithout(variant: string, body = (s: string) => s): string {
  const text = readFileSync(join(KERNELS_DIR, 'sendzc-provided-rfc.yaml'), 'utf8')
    .replace(/\.\.\/series\//g, `${KERNELS_DIR}/../series/`)
    .replace(/(patches|kconfig)\//g, `${KERNELS_DIR}/$1/`);
  const cut = text.slice(0, text.indexOf(`  ${variant}:`));
  const f = join(tmp, `no-${variant}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, body(cut));
  return f;
}

describe('--coverage on a kernel without coverage support', { timeout: 30_000 }, () => {
  it('run: a recipe without a coverage variant', async () => {
    const f = recipeWithout('coverage');
    const r = await cli('run', 'test/fixtures', '--kernel', f, '--coverage');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `--coverage: kernel "${f}" has no coverage support: recipe sendzc-provided-rfc (${f}) has no "coverage" variant (has: kasan)`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).not.toMatch(/configuring|make -j/);
  });

  it('run: a coverage variant whose fragments leave gcov off', async () => {
    const f = recipeWithout('coverage', (s) => `${s}  coverage:\n    fragments: [${KERNELS_DIR}/kconfig/kasan.config]\n`);
    const r = await cli('run', 'test/fixtures', '--kernel', f, '--coverage');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('does not set CONFIG_GCOV_KERNEL=y in its fragments (kasan.config)');
  });

  it('run: an image (no build to map the counters with)', async () => {
    const img = join(tmp, 'bzImage');
    writeFileSync(img, Buffer.alloc(0x300));
    const r = await cli('run', 'test/fixtures', '--kernel', img, '--coverage');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/has no coverage support: it is an image, and coverage needs the build that made it/);
  });

  it('run: the host kernel', async () => {
    const r = await cli('run', 'test/fixtures', '--coverage');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--coverage measures a kernel built for it: give --kernel <recipe>/);
  });

  it('gate: the patched recipe without a coverage variant fails before any build', async () => {
    const f = recipeWithout('coverage');
    const out = join(tmp, 'gate');
    const r = await cli('gate', '--recipe', f, '--coverage', '--no-peer', '--out', out);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('has no "coverage" variant (has: kasan)');
    expect(r.stderr).not.toMatch(/configuring|make -j/);
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { incomplete: boolean; incompleteReason: string };
    expect(json.incomplete).toBe(true);
    expect(json.incompleteReason).toMatch(/no coverage support/);
  });
});
