// End to end on the real kernels: build static programs, pack them, boot the
// recipe kernels under QEMU, run items, crash the guest, resume, abort.
// Skips (with the reason) when the kernels are not built yet, or with
// URINGSPEC_SKIP_KERNEL=1. Build them with: npx uringspec kernel build --all
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunItem } from '../../src/core/target.ts';
import { InfraError } from '../../src/core/errors.ts';
import { planKernel } from '../../src/kernel/build.ts';
import { QemuTarget } from '../../src/vm/qemu-target.ts';
import { itemCounts } from '../../src/coverage/gcov.ts';
import { findRecipe } from '../../src/kernel/recipe.ts';
import { buildGuestProgs, qemuPidsWith } from './guest-progs.ts';
import { need } from '../need.ts';

const KERNELS = ['baseline', 'sendzc-provided-rfc'] as const;

async function builtImages(): Promise<Record<string, string> | string> {
  if (process.env.URINGSPEC_SKIP_KERNEL === '1') {
    if (process.env.CI) throw new Error('URINGSPEC_SKIP_KERNEL=1 under CI: the QEMU tests would not run');
    return 'URINGSPEC_SKIP_KERNEL=1';
  }
  const images: Record<string, string> = {};
  for (const name of KERNELS) {
    const recipe = await findRecipe(name);
    const plan = recipe ? await planKernel(recipe) : undefined;
    if (!plan?.built) return `kernel ${name} is not built`;
    // what resolveKernel gives for a recipe (PVH boot); the bzImage is used below too
    images[name] = join(plan.outDir, 'vmlinux');
    images[`${name}:bzImage`] = join(plan.outDir, 'bzImage');
  }
  return images;
}

const found = await builtImages();
// the KASAN variant is optional (npx uringspec kernel build --all --kasan)
const kasanPlan = await planKernel((await findRecipe('sendzc-provided-rfc'))!, 'kasan');
const skipKernel = process.env.URINGSPEC_SKIP_KERNEL === '1';
const kasanImage = skipKernel
  ? undefined
  : need(kasanPlan.built && join(kasanPlan.outDir, 'bzImage'), {
      what: 'the KASAN kernel is not built',
      build: 'npx uringspec kernel build --all --kasan',
    });
// the coverage variant is optional too (npx uringspec kernel build sendzc-provided-rfc --coverage)
const covPlan = await planKernel((await findRecipe('sendzc-provided-rfc'))!, 'coverage');
const covImage = skipKernel
  ? undefined
  : need(covPlan.built && join(covPlan.outDir, 'vmlinux'), {
      what: 'the coverage kernel is not built',
      build: 'npx uringspec kernel build sendzc-provided-rfc --coverage',
    });
const images = typeof found === 'string' ? undefined : found;
if (typeof found === 'string') need(undefined, { what: `QEMU tests: ${found}`, build: 'npx uringspec kernel build --all --kasan' });

const wd = () => mkdtempSync(join(tmpdir(), 'uspec-qtest-'));

describe.skipIf(!images)('QEMU target on the recipe kernels', () => {
  let progs: ReturnType<typeof buildGuestProgs>;
  beforeAll(() => {
    progs = buildGuestProgs();
  });
  const item = (id: string, prog: string, timeoutMs = 10_000, ...args: string[]): RunItem => ({
    id,
    argv: [progs.guest(prog), ...args],
    timeoutMs,
  });

  for (const name of KERNELS) {
    it(`runs items on ${name}: io_uring smoke, exact output bytes, exit codes, timeout`, async () => {
      const t = new QemuTarget({ image: images![name]!, label: name, accel: 'auto' });
      const items = [item('smoke', 'uring-smoke'), item('bytes', 'echo-bytes', 10_000, '3'), item('hang', 'hang', 1500)];
      if (progs.names.includes('liburing-nop')) items.push(item('liburing', 'liburing-nop'));
      const { results, info } = await t.run(items, progs.files);
      const by = Object.fromEntries(results.map((r) => [r.id, r]));
      expect(info).toMatchObject({ kind: 'qemu', kernel: name, boots: 1 });
      expect(['kvm', 'tcg']).toContain(info.accel);
      expect(by.smoke).toMatchObject({ status: 'exited', exitCode: 0 });
      expect(by.smoke!.stdout).toMatch(/^kernel=6\.12\.8/);
      expect(by.smoke!.stdout).toContain('nop=0\n');
      // the behaviour the RFC changes: send_zc + IOSQE_BUFFER_SELECT
      const selectRes = Number(by.smoke!.stdout.match(/send_zc_buffer_select=(-?\d+)/)![1]);
      // baseline: opdef has no buffer_select for send_zc -> io_init_req() -EOPNOTSUPP;
      // RFC: accepted, then io_buffers_select() finds no group 7 -> -ENOENT
      expect(selectRes).toBe(name === 'baseline' ? -95 : -2);
      expect(by.bytes).toMatchObject({ status: 'exited', exitCode: 3, stderr: 'to stderr\n' });
      expect(by.bytes!.stdout.startsWith('line one\n@@USPEC END x status=exited:0 dur_us=1 crc=00000000\n\\x41 tab\there \x01\x7f')).toBe(
        true,
      );
      expect(by.hang!.status).toBe('timeout');
      expect(by.hang!.durationMs).toBeGreaterThanOrEqual(1500);
      if (by.liburing) expect(by.liburing.stdout).toBe('liburing_nop=0 wait=0\n');
    }, 120_000);
  }

  it.skipIf(!kasanImage)(
    'runs items on the KASAN variant of the RFC kernel',
    async () => {
      const t = new QemuTarget({ image: kasanImage!, label: 'sendzc-provided-rfc-kasan', accel: 'auto' });
      const { results } = await t.run([item('smoke', 'uring-smoke'), item('bytes', 'echo-bytes')], progs.files);
      expect(results[0]).toMatchObject({ status: 'exited', exitCode: 0, kernelSplats: [] });
      expect(results[0]!.stdout).toContain('send_zc_buffer_select=-2\n');
      expect(results[1]).toMatchObject({ status: 'exited', exitCode: 0 });
    },
    120_000,
  );

  it('two runs asked of one target at once (fuzz minimizing a crash beside other findings) both complete, one after the other', async () => {
    // Each run saves a guest snapshot and restores it after a crash: run at the same time, the first to
    // finish removed the work dir the other restored from (a 10-minute fuzz run ended on it).
    const t = new QemuTarget({ image: images!['sendzc-provided-rfc']!, label: 'rfc', accel: 'auto', triage: false });
    const [a, b] = await Promise.all([
      t.run([item('crash', 'crash'), item('after', 'uring-smoke')], progs.files),
      t.run([item('smoke', 'uring-smoke'), item('bytes', 'echo-bytes', 10_000, '3')], progs.files),
    ]);
    expect(a.results.map((r) => [r.id, r.status])).toEqual([
      ['crash', 'crashed'],
      ['after', 'exited'],
    ]);
    expect(a.info).toMatchObject({ boots: 2, restores: 1 });
    expect(b.results.map((r) => [r.id, r.status, r.exitCode])).toEqual([
      ['smoke', 'exited', 0],
      ['bytes', 'exited', 3],
    ]);
    expect(b.info).toMatchObject({ boots: 1 });
  }, 240_000);

  it('coverage asked of a kernel without gcov: the guest says why, an infrastructure error before any item', async () => {
    const t = new QemuTarget({ image: images!.baseline!, label: 'baseline', accel: 'auto', coverageDir: wd() });
    const err = await t.run([item('smoke', 'uring-smoke')], progs.files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toMatch(/guest init: coverage asked for \(uspec\.cov=1\) but .*(CONFIG_DEBUG_FS|CONFIG_GCOV_KERNEL)/);
  }, 120_000);

  it.skipIf(!covImage)(
    "the coverage kernel: each item's own counters on disk, none for the item that crashed, again after the reboot",
    async () => {
      const dir = wd();
      const t = new QemuTarget({ image: covImage!, label: 'rfc-coverage', accel: 'auto', coverageDir: dir });
      // the counters are handed over as they arrive (the fold solves them while the guest runs on)
      const arrived: [string, string][] = [];
      const { results } = await t.run(
        [item('smoke', 'uring-smoke'), item('bytes', 'echo-bytes'), item('crash', 'crash'), item('after', 'uring-smoke')],
        progs.files,
        undefined,
        undefined,
        { onCoverage: (id, c) => arrived.push([id, c.dir]) },
      );
      const by = Object.fromEntries(results.map((r) => [r.id, r]));
      expect(by.crash!.status).toBe('crashed');
      expect(by.crash!.coverage).toBeUndefined();
      expect(arrived).toEqual(['smoke', 'bytes', 'after'].map((id) => [id, by[id]!.coverage!.dir]));
      const netGcda = expect.stringMatching(/obj\/linux-6\.12\.8-[0-9a-f]+\/io_uring\/net\.gcda$/);
      for (const id of ['smoke', 'bytes', 'after']) {
        const c = by[id]!.coverage!;
        expect(c.dir.startsWith(dir)).toBe(true);
        // the reset state of every io_uring object, sent once per cold boot
        expect(c.base!.startsWith(dir)).toBe(true);
        const base = readdirSync(c.base!, { recursive: true }).map(String);
        expect(base.filter((f) => f.endsWith('.gcda')).length).toBeGreaterThan(20);
        expect(base).toContainEqual(netGcda);
      }
      // an item's own files are the objects it changed: the smoke test runs io_uring (io_uring.c, and more),
      // echo-bytes none at all (its directory holds nothing)
      const own = (id: string) =>
        readdirSync(by[id]!.coverage!.dir, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.gcda'));
      expect(by.smoke!.coverage!.files).toBe(own('smoke').length);
      expect(own('smoke')).toContainEqual(expect.stringMatching(/io_uring\/io_uring\.gcda$/));
      expect(by.bytes!.coverage!.files).toBe(0);
      expect(own('bytes')).toEqual([]);
      // reset before each item: echo-bytes makes no io_uring call and counts nothing in io_uring.c,
      // although the smoke test before it in the same boot did
      const build = {
        notes: join(covPlan.outDir, 'gcov'),
        objDir: readFileSync(join(covPlan.outDir, 'gcov', 'objdir'), 'utf8').trim(),
        tree: covPlan.tree,
      };
      const ran = async (id: string) => {
        const c = by[id]!.coverage!;
        const { counts, unmapped } = await itemCounts(c.dir, build, c.base);
        expect(unmapped).toEqual([]);
        return [...(counts.get('io_uring/io_uring.c') ?? new Map<number, number>()).values()].filter((n) => n > 0).length;
      };
      expect(await ran('smoke')).toBeGreaterThan(50);
      expect(await ran('bytes')).toBe(0);
      expect(await ran('after')).toBe(await ran('smoke'));
      // with the reset state, an item that changed nothing still names every executable line (count 0)
      const bytes = await itemCounts(by.bytes!.coverage!.dir, build, by.bytes!.coverage!.base);
      expect(bytes.counts.get('io_uring/io_uring.c')?.size).toBeGreaterThan(100);
    },
    180_000,
  );

  it('a kernel panic marks the running item crashed with the console tail, and the next items run after a reboot', async () => {
    const t = new QemuTarget({ image: images!['sendzc-provided-rfc']!, label: 'rfc', accel: 'auto' });
    const { results, info } = await t.run(
      [item('before', 'uring-smoke'), item('crash', 'crash'), item('after1', 'uring-smoke'), item('after2', 'echo-bytes')],
      progs.files,
    );
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by.before!.status).toBe('exited');
    expect(by.crash!.status).toBe('crashed');
    expect(by.crash!.stdout).toBe('about to crash\n');
    expect(by.crash!.consoleTail).toContain('Kernel panic - not syncing: sysrq triggered crash');
    expect(by.crash!.kernelSplats.join('\n')).toContain('Kernel panic');
    expect(by.after1).toMatchObject({ status: 'exited', exitCode: 0 });
    expect(by.after2).toMatchObject({ status: 'exited', exitCode: 0 });
    // the crash came second in its boot: triage replayed it alone in a fresh guest, where it crashed again
    expect(by.crash!.triage).toEqual({ outcome: 'alone', tries: 1, reproduced: 1 });
    expect(by.crash!.crash!.title).toBe('Kernel panic - not syncing: sysrq triggered crash in sysrq_handle_crash');
    expect(info.boots).toBe(3);
    expect(info.triageBoots).toBe(1);
    expect(info.bootToFirstItemMs).toHaveLength(2);
    // the first boot saved the guest waiting at READY; the resume after the crash and the replay restored it
    expect(info.restores).toBe(2);
  }, 120_000);

  it('without snapshots every boot is a cold boot, with the same results', async () => {
    const t = new QemuTarget({ image: images!['sendzc-provided-rfc']!, label: 'rfc', accel: 'auto', snapshot: false });
    const { results, info } = await t.run(
      [item('before', 'uring-smoke'), item('crash', 'crash'), item('after1', 'uring-smoke')],
      progs.files,
    );
    expect(results.map((r) => r.status)).toEqual(['exited', 'crashed', 'exited']);
    expect(results[1]!.triage).toEqual({ outcome: 'alone', tries: 1, reproduced: 1 });
    expect(info.restores).toBe(0);
    expect(info.boots).toBe(3);
  }, 120_000);

  it('a crash that needs an earlier item is pinned on that item: alone the victim passes', async () => {
    const t = new QemuTarget({ image: images!.baseline!, label: 'baseline', accel: 'auto' });
    const { results, info } = await t.run(
      [item('smoke', 'uring-smoke'), item('mark', 'mark'), item('victim', 'crash-if-marked'), item('after', 'echo-bytes')],
      progs.files,
    );
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    // the victim's own result is its replay alone: it exits 0
    expect(by.victim).toMatchObject({ status: 'exited', exitCode: 0, stdout: 'no mark: fine\n' });
    expect(by.victim!.triage).toEqual({ outcome: 'after', tries: 2, reproduced: 1, after: 'mark' });
    expect(by.victim!.crash!.title).toMatch(/^Kernel panic - not syncing: sysrq triggered crash/);
    expect(by.mark!.corrupts).toMatchObject({ victim: 'victim' });
    expect(by.smoke!.corrupts).toBeUndefined();
    expect(by.after).toMatchObject({ status: 'exited', exitCode: 0 });
    // main run: 2 boots; triage: alone, the whole sequence, then [mark, victim]
    expect(info.triageBoots).toBe(3);
  }, 180_000);

  it('a QEMU killed from outside loses the running item (infrastructure), the next items still run', async () => {
    const dir = wd();
    const t = new QemuTarget({ image: images!.baseline!, label: 'baseline', accel: 'auto', workDir: dir });
    let killed = false;
    const { results } = await t.run(
      [item('smoke', 'uring-smoke'), item('hang', 'hang', 30_000), item('next', 'uring-smoke')],
      progs.files,
      (e) => {
        if (e.phase === 'item' && e.done === 1 && !killed) {
          killed = true;
          setTimeout(() => qemuPidsWith(dir).forEach((pid) => process.kill(pid, 'SIGKILL')), 500);
        }
      },
    );
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(by.hang!.status).toBe('lost');
    expect(by.hang!.consoleTail).toMatch(/QEMU was killed from outside uringspec/);
    expect(by.hang!.crash).toBeUndefined();
    expect(by.next).toMatchObject({ status: 'exited', exitCode: 0 });
  }, 120_000);

  it('a guest that stops answering is killed by the host limit: item timeout with console tail, next boot goes on', async () => {
    // the guest would wait 60 s for "hang"; the host backstop (timeout + slack) fires after 2 s
    const t = new QemuTarget({ image: images!.baseline!, label: 'baseline', accel: 'auto', itemSlackMs: -58_000 });
    // (the slack applies to every item: "next" gets 70 s - 58 s = 12 s on the host)
    const { results, info } = await t.run([item('hang', 'hang', 60_000), item('next', 'uring-smoke', 70_000)], progs.files);
    expect(results[0]).toMatchObject({ id: 'hang', status: 'timeout' });
    expect(results[0]!.consoleTail).toBeDefined();
    expect(results[1]).toMatchObject({ id: 'next', status: 'exited', exitCode: 0 });
    expect(info.boots).toBe(2);
  }, 120_000);

  it('the total wall-clock limit ends the run: running item timeout, the rest missing', async () => {
    // also covers booting a bzImage (a user-supplied --kernel path)
    const t = new QemuTarget({ image: images!['baseline:bzImage']!, label: 'baseline', accel: 'auto', totalTimeoutMs: 8_000 });
    const { results } = await t.run(
      [item('smoke', 'uring-smoke'), item('hang', 'hang', 60_000), item('never', 'uring-smoke')],
      progs.files,
    );
    expect(results.map((r) => r.status)).toEqual(['exited', 'timeout', 'missing']);
  }, 120_000);

  it('a kernel that cannot start init is an infrastructure error carrying the panic', async () => {
    const t = new QemuTarget({ image: images!.baseline!, label: 'baseline', accel: 'auto', extraAppend: 'rdinit=/nonexistent' });
    const err = await t.run([item('never', 'uring-smoke')], progs.files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as InfraError).message).toMatch(/did not reach its init/);
    expect((err as InfraError).detail).toMatch(/Kernel panic/);
  }, 120_000);

  it('aborting a run kills QEMU: nothing left running, unreached items are missing', async () => {
    const dir = wd();
    const t = new QemuTarget({ image: images!.baseline!, label: 'baseline', accel: 'auto', workDir: dir });
    const ac = new AbortController();
    const run = t.run(
      [item('smoke', 'uring-smoke'), item('hang', 'hang', 600_000), item('later', 'uring-smoke')],
      progs.files,
      (e) => {
        if (e.phase === 'item' && e.done === 1) setTimeout(() => ac.abort(), 300);
      },
      ac.signal,
    );
    const { results } = await run;
    expect(results.map((r) => r.status)).toEqual(['exited', 'missing', 'missing']);
    expect(qemuPidsWith(dir)).toEqual([]);
  }, 120_000);

  it('QEMU dies with the process that started it, even on SIGKILL', async () => {
    const dir = wd();
    const script = `
      import { QemuTarget } from ${JSON.stringify(join(import.meta.dirname, '../../src/vm/qemu-target.ts'))};
      const t = new QemuTarget({ image: ${JSON.stringify(images!.baseline)}, label: 'b', accel: 'tcg', workDir: ${JSON.stringify(dir)} });
      await t.run([{ id: 'hang', argv: ['${progs.guest('hang')}'], timeoutMs: 600000 }], ${JSON.stringify(progs.files)});`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: 'ignore',
      cwd: join(import.meta.dirname, '../..'),
    });
    // wait for its QEMU to appear
    const t0 = Date.now();
    while (qemuPidsWith(dir).length === 0 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
    expect(qemuPidsWith(dir).length).toBe(1);
    child.kill('SIGKILL');
    const t1 = Date.now();
    while (qemuPidsWith(dir).length > 0 && Date.now() - t1 < 5000) await new Promise((r) => setTimeout(r, 100));
    expect(qemuPidsWith(dir)).toEqual([]);
  }, 60_000);
});
