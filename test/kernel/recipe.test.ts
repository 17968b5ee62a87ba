// Kernel recipes: the shipped ones load; bad ones fail with a message naming
// the field; a patch that does not apply names the patch and the hunk, found
// without the work tree (needs the unpacked tree: skips otherwise).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { checkApplies } from '../../src/kernel/apply-patches.ts';
import { buildKernel, noCoverageSupport, planKernel } from '../../src/kernel/build.ts';
import { BuildError } from '../../src/kernel/build-error.ts';
import { cacheDir } from '../../src/core/cache.ts';
import { findRecipe, loadRecipe, RecipeError, seriesRecipes } from '../../src/kernel/recipe.ts';
import { resolveKernel } from '../../src/kernel/resolve-kernel.ts';
import { fileSha256 } from '../../src/core/cache.ts';
import { InfraError } from '../../src/core/errors.ts';
import { need } from '../need.ts';

const SERIES = resolve(import.meta.dirname, '../../series');
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-recipe-'));

describe('kernel recipes', () => {
  it('loads both shipped recipes; the RFC one is the baseline plus the RFC', async () => {
    const base = (await findRecipe('baseline'))!;
    const rfc = (await findRecipe('sendzc-provided-rfc'))!;
    expect(rfc.patches.slice(0, base.patches.length)).toEqual(base.patches);
    expect(rfc.patches.at(-1)!.path).toBe(join(SERIES, '04-provided-registered-buffers-rfc.mbox'));
    const [pb, pr] = [await planKernel(base), await planKernel(rfc)];
    expect(pb.configKey).toBe(pr.configKey); // same object dir: incremental
    expect(pb.key).not.toBe(pr.key);
    expect(pr.patches).toHaveLength(1 + 4 + 1 + 1 + 7);
    expect((await planKernel(rfc, 'kasan')).configKey).not.toBe(pr.configKey);
  });

  it('gate --series: the RFC on the baseline recipe is the sendzc-provided-rfc kernel, from the archive or from b4 am', async () => {
    const base = (await findRecipe('baseline'))!;
    const rfc = await planKernel((await findRecipe('sendzc-provided-rfc'))!);
    const b4 = join(import.meta.dirname, '../fixtures/b4/20241023_axboe_add_support_for_provided_registered_buffers.mbx');
    for (const path of [join(SERIES, '04-provided-registered-buffers-rfc.mbox'), b4]) {
      const { patched, baseline } = await seriesRecipes([{ path }], { baseline: base });
      expect(baseline).toBe(base);
      expect(patched.name).toBe('provided-registered-buffers-rfc');
      expect(patched.patches.slice(0, base.patches.length)).toEqual(base.patches);
      const plan = await planKernel(patched);
      expect(plan.key).toBe(rfc.key); // keyed by the patches git am gets, not by file bytes or names
      expect(plan.patches.map((p) => p.text)).toEqual(rfc.patches.map((p) => p.text));
    }
  });

  it('gate --series on another base: the series on the bare base, compared with the bare base; labels name each series', async () => {
    const base = (await findRecipe('baseline'))!;
    const { patched, baseline, series } = await seriesRecipes(
      [{ path: join(SERIES, '04-provided-registered-buffers-rfc.mbox') }, { path: join(SERIES, '02-get-rid-of-io_kiocb-imu-v3.mbox') }],
      { baseline: base, base: 'debian:linux=6.12.38-1' },
    );
    expect(series.map((s) => s.version)).toEqual([1, 3]);
    expect(baseline).toMatchObject({ name: 'linux-6.12.38-1', base: 'debian:linux=6.12.38-1', patches: [], config: base.config });
    expect(patched.base).toBe('debian:linux=6.12.38-1');
    expect(patched.patches.map((p) => p.path)).toEqual([
      join(SERIES, '04-provided-registered-buffers-rfc.mbox'),
      join(SERIES, '02-get-rid-of-io_kiocb-imu-v3.mbox'),
    ]);
    expect(patched.name).toBe('provided-registered-buffers-rfc+get-rid-of-io-kiocb-imu-v3');
    expect((await planKernel(patched)).configKey).toBe((await planKernel(baseline)).configKey);
  });

  it('the coverage variant: its own config and branch, its patch after the recipe own and marked as the variant', async () => {
    const rfc = (await findRecipe('sendzc-provided-rfc'))!;
    const [plain, cov] = [await planKernel(rfc), await planKernel(rfc, 'coverage')];
    expect(cov.configKey).not.toBe(plain.configKey);
    expect(cov.branch).not.toBe(plain.branch); // the Makefile patch is on the branch
    expect(cov.patches.slice(0, -1)).toEqual(plain.patches);
    expect(cov.patches.at(-1)).toMatchObject({ variant: 'coverage', subject: expect.stringMatching(/exact gcov line counts/) });
    expect(plain.patches.filter((p) => p.variant)).toEqual([]);
    // the RFC's patches name their place in the series
    expect(plain.patches.at(-1)).toMatchObject({ source: '04-provided-registered-buffers-rfc.mbox', number: '7/7' });
    expect((await planKernel(rfc, 'kasan')).branch).toBe(plain.branch);
    expect(await noCoverageSupport(rfc)).toBeUndefined();
  });

  it('rejects a bad recipe with the field and the reason', async () => {
    const dir = tmp();
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'name: Bad Name\nbase: linux-6.12\npatches: [{ file: x }]\nconfig: {}\n');
    const err = await loadRecipe(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecipeError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/name: lower-case/);
    expect(msg).toMatch(/base: expected "debian:<package>=<version>"/);
    expect(msg).toMatch(/patches\.0/);
    writeFileSync(f, 'name: ok\nbase: debian:linux=6.12.8-1\npatches: [{ path: ../series/nope.mbox }]\nconfig: { fragments: [] }\n');
    await expect(loadRecipe(f)).rejects.toThrow(/do not exist[\s\S]*nope\.mbox/);
  });

  const haveTree =
    process.env.URINGSPEC_SKIP_KERNEL !== '1' &&
    need(existsSync(cacheDir('trees', 'linux-6.12.8', '.git', 'uringspec-base-ready')), {
      what: 'the linux 6.12.8 tree is not unpacked in the cache',
      build: 'npx uringspec kernel build --all',
    });
  // (checked on a private index of the base: no need to wait for a build that holds the tree)
  it.skipIf(!haveTree)(
    'names the failing patch and hunk, exit 2 from the CLI, even while another build holds the tree',
    async () => {
      const dir = tmp();
      const f = join(dir, 'conflict.yaml');
      // 03 without its --exclude: the known conflict in io_uring/net.c
      writeFileSync(
        f,
        [
          'name: conflict-probe',
          'base: debian:linux=6.12.8-1',
          'patches:',
          `  - path: ${SERIES}/01-rsrc-dont-assign-bvec-twice.mbox`,
          `  - path: ${SERIES}/02-get-rid-of-io_kiocb-imu-v3.mbox`,
          `  - path: ${SERIES}/03-remove-issue_flags-from-io_req_set_rsrc_node.mbox`,
          `config: { fragments: [${join(import.meta.dirname, '../../kernels/kconfig/uringspec.config')}] }`,
        ].join('\n'),
      );
      const recipe = await loadRecipe(f);
      const err = await buildKernel(recipe, { quiet: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BuildError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/patch 6\/6 does not apply: 03-remove-issue_flags-from-io_req_set_rsrc_node\.mbox \[PATCH 1\/1\]/);
      expect(msg).toMatch(/error: patch failed: io_uring\/net\.c:\d+/);
      expect(msg).toMatch(/io_req_set_rsrc_node\(notif, ctx, 0\);/); // the context git searched for
      // and through the CLI: one message, exit 2
      const writes: string[] = [];
      const orig = process.stderr.write.bind(process.stderr);
      process.stderr.write = (s: string) => (writes.push(String(s)), true);
      try {
        expect(await main(['kernel', 'build', f, '--quiet'])).toBe(2);
      } finally {
        process.stderr.write = orig;
      }
      expect(writes.join('')).toMatch(/uringspec kernel: patch 6\/6 does not apply/);
    },
    120_000,
  );

  it.skipIf(!haveTree)(
    "the check without the work tree takes what git am -3 takes: the RFC recipe's 14 patches, 03 with its exclude",
    async () => {
      const plan = await planKernel((await findRecipe('sendzc-provided-rfc'))!);
      await expect(checkApplies(plan.tree, 'uringspec/not-a-branch', plan.patches)).resolves.toBeUndefined();
    },
    120_000,
  );

  it('resolveKernel takes an image path as is and explains an unknown name', async () => {
    const plan = await planKernel((await findRecipe('baseline'))!);
    if (plan.built && process.env.URINGSPEC_SKIP_KERNEL !== '1') {
      const byName = await resolveKernel('baseline', { quiet: true });
      // a recipe boots through PVH: its vmlinux, not its bzImage
      expect(byName).toMatchObject({ image: join(plan.outDir, 'vmlinux'), label: 'baseline', cacheKey: plan.key, cacheHit: true });
      // an image by path is known by its content
      expect(await resolveKernel(byName.image)).toMatchObject({
        image: byName.image,
        label: 'vmlinux',
        sha256: await fileSha256(byName.image),
      });
      const bz = join(plan.outDir, 'bzImage');
      expect(await resolveKernel(bz)).toMatchObject({ image: bz, label: 'bzImage', sha256: await fileSha256(bz) });
    }
    await expect(resolveKernel('no-such-kernel')).rejects.toThrow(InfraError);
    await expect(resolveKernel('no-such-kernel')).rejects.toThrow(/known: baseline, sendzc-provided-rfc/);
    await expect(resolveKernel(join(SERIES, 'README.md'))).rejects.toThrow(/neither a bzImage nor an ELF vmlinux/);
    // an ELF without the PVH note (here: the node binary) cannot be booted by QEMU
    await expect(resolveKernel(process.execPath)).rejects.toThrow(/without a PVH entry note/);
  });
});
