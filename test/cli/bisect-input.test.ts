// Bad input to bisect, gate --bisect and repro --mail: a clear message
// naming the cause, exit 2, before anything is built or booted (each case
// returns in the time it takes node to start, far below a kernel build).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => execa('node', ['bin/uringspec.mjs', ...args], { reject: false });
const tmp = mkdtempSync(join(tmpdir(), 'uspec-bisect-cli-'));
const spec = 'corpus/zc-addr-encoding.yaml';

describe('bisect: bad input', { timeout: 30_000 }, () => {
  it('no scenario named: usage, exit 2', async () => {
    const r = await cli('bisect', spec);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('uringspec bisect: name one spec file and --scenario ID');
  });

  it('a scenario the spec does not have: named, exit 2', async () => {
    const r = await cli('bisect', spec, '--scenario', 'zc-enc-nope');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`no scenario "zc-enc-nope" in ${spec}`);
  });

  it('a kernel image instead of a recipe: there is no series to take apart, exit 2', async () => {
    const image = join(tmp, 'bzImage');
    writeFileSync(image, 'not a kernel');
    for (const r of [
      await cli('bisect', spec, '-s', 'zc-enc-index-65536', '--kernel', image),
      await cli('gate', '--bisect', '--recipe', image, '--out', join(tmp, 'gate')),
      await cli('repro', spec, '-s', 'zc-enc-index-65536', '--kernel', image, '--mail', '--out', join(tmp, 'repro')),
    ]) {
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`cannot bisect ${image}: not a recipe (an image has no series to take apart)`);
    }
  });

  it('a recipe that applies no patches: no series to bisect, exit 2', async () => {
    const recipe = join(tmp, 'bare.yaml');
    writeFileSync(
      recipe,
      `name: bare\nbase: debian:linux=6.12.8-1\nconfig:\n  fragments: [${resolve('kernels/kconfig/uringspec.config')}]\n`,
    );
    const r = await cli('bisect', spec, '-s', 'zc-enc-index-65536', '--kernel', recipe);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('cannot bisect: recipe bare applies no patches, so there is no series');
  });

  it('repro --mail on the host: the series to bisect comes from --kernel, exit 2', async () => {
    const r = await cli('repro', spec, '-s', 'zc-enc-index-65536', '--mail');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--mail needs --kernel <recipe>: the series to bisect');
  });
});
