// The two kernels a gate compares: the default recipes and `--series` name the
// same series under test (what the patched kernel has beyond the baseline),
// with the subject, version and Message-ID every report shows.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Recipe } from '../../src/kernel/recipe.ts';
import { gateKernels } from '../../src/workflows/gate-kernels.ts';

const RFC = 'series/04-provided-registered-buffers-rfc.mbox';
const NAMED =
  'baseline + [PATCHSET RFC 0/7] Add support for provided registered buffers (v1, 7 patches, <20241023161522.1126423-1-axboe@kernel.dk>)';

describe('gate kernels', () => {
  it('default: sendzc-provided-rfc against baseline, the RFC named as the series under test', async () => {
    const [patched, baseline] = await gateKernels({});
    expect(patched).toMatchObject({ kernel: 'sendzc-provided-rfc', profile: 'rfc-v1', role: 'patched', builtFrom: NAMED });
    expect(patched!.series).toEqual([
      {
        subject: 'Add support for provided registered buffers',
        tags: 'PATCHSET RFC 0/7',
        version: 1,
        messageId: '20241023161522.1126423-1-axboe@kernel.dk',
        patches: 7,
        input: expect.stringMatching(/series\/04-provided-registered-buffers-rfc\.mbox$/),
      },
    ]);
    expect(baseline).toEqual({ kernel: 'baseline', profile: 'baseline', role: 'baseline' });
  });

  it("--series: the same series named, on the baseline recipe, under a short label; --profile is the patched kernel's", async () => {
    const [patched, baseline] = await gateKernels({ series: [{ path: RFC }], profile: 'rfc-rev' });
    expect((patched!.kernel as Recipe).name).toBe('provided-registered-buffers-rfc');
    expect(patched).toMatchObject({ profile: 'rfc-rev', builtFrom: NAMED });
    expect(patched!.series).toEqual((await gateKernels({}))[0]!.series!.map((s) => ({ ...s, input: RFC })));
    expect(baseline).toEqual({ kernel: 'baseline', profile: 'baseline', role: 'baseline' });
  });

  it('--series --base: built from the base, compared with the bare base; a thread page has no Message-ID', async () => {
    // another linux version the deb-src index has (it moves with the archive)
    const other = [
      ...execFileSync('apt-cache', ['showsrc', 'linux'], { maxBuffer: 256 << 20 })
        .toString()
        .matchAll(/^Version: (\S+)$/gm),
    ]
      .map((m) => m[1]!)
      .find((v) => v !== '6.12.8-1');
    expect(other, 'the deb-src index lists no linux other than 6.12.8-1').toBeDefined();
    const page = 'series/04-provided-registered-buffers-rfc.thread.txt';
    const [patched, baseline] = await gateKernels({ series: [{ path: page }], base: `debian:linux=${other}` });
    expect(patched!.builtFrom).toBe(
      `debian:linux=${other} + [PATCHSET RFC 0/7] Add support for provided registered buffers (v1, 7 patches, no Message-ID in the input)`,
    );
    expect((baseline!.kernel as Recipe).name).toBe(`linux-${other}`);
  });

  it('--series on a --baseline that is not a recipe is a usage error', async () => {
    await expect(gateKernels({ series: [{ path: RFC }], baseline: '/boot/vmlinuz' })).rejects.toThrow(/must be a recipe/);
  });
});
