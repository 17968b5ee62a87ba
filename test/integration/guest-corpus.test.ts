// The product as the gate runs it: the corpus compiled once, booted on the
// RFC kernel and on the baseline, every scenario judged by the model profile
// of its kernel. The lists below are the findings: a change in them is a
// change in the kernel under test or in the model, and must be looked at.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRepro } from '../../src/generator/repro.ts';
import { CQE_F } from '../../src/model/cqe.ts';
import { modelOracle } from '../../src/judge/oracle.ts';
import type { KernelRun } from '../../src/report/report.ts';
import { allScenarios, scenarioOf } from '../../src/specs/load.ts';
import { buildSuite } from '../../src/exec/suite.ts';
import { runScenarios } from '../../src/workflows/run.ts';
import { cc, findLiburing } from '../../src/core/cc.ts';
import { REPRO_CFLAGS } from '../../src/workflows/repro.ts';
import { loadSpecs } from '../../src/specs/load.ts';
import { QemuTarget } from '../../src/vm/qemu-target.ts';
import { builtKernels } from './kernels.ts';

const kernels = await builtKernels();
const { specs } = loadSpecs(['corpus']);
const refs = allScenarios(specs);

/** RFC disagreements, each a kernel bug in the RFC as posted (see the closing notes). */
const RFC_FAILS = [
  'zc-enc-index-65536', // u16 idx: index 65536 aliases registered buffer 0
  'zc-enc-raw-rev-index1', // same truncation seen through a 20/44-encoded addr
  'zc-enc-raw-rev-index-2pow20',
  'zc-pbuf-regbuf-rfc-rev-encoded',
  'zc-bundle-later-entry-bad', // entries before a failing one are committed
  'zc-bundle-later-entry-overflow',
  'zc-partial-bundle-fixed', // no bundle retry: short completion although all buffers were taken
  'zc-unal-placement-offset0', // bv_offset of the first page ignored
  'zc-unal-placement-offset200',
  'zc-unal-offset-page-boundary', // offset == first segment length sends 0 bytes
  'zc-unal-cross-page-single', // one slot, no expand: cut at the page boundary
  'zc-unal-cross-page-placed',
].sort();
const RFC_NO_ORACLE = ['zc-bundle-flag-plain', 'zc-bundle-flag-report', 'zc-classic-fixed-rev'].sort();
/**
 * Panics: send_zc with buffer select from plain memory calls through a stale
 * kmsg->msg.sg_from_iter (RFC 7/7). Whether it crashes depends on the slab's
 * history; may-crash scenarios run first in a fresh boot, and after each panic
 * the reboot gives the next one fresh memory, which makes this list stable.
 */
const RFC_CRASHES = [
  'zc-bufsel-stops-batch',
  'zc-bundle-plain-memory',
  'zc-classic-bundle-one',
  'zc-classic-plain',
  'zc-pbuf-plain-memory',
  'zc-pbuf-regbuf-entry-without-fixed',
  'zc-select-classic-plain-udp',
  'zc-select-ring-plain-udp',
].sort();
const BASELINE_NO_ORACLE = ['ring-wrap-zc'];

const ids = (run: KernelRun, status: string) =>
  run.results
    .filter((r) => r.status === status)
    .map((r) => r.id)
    .sort();

describe.skipIf(!kernels)('the corpus on the guest kernels', () => {
  const runs = {} as Record<'rfc' | 'baseline', KernelRun>;
  beforeAll(async () => {
    const compiled = await buildSuite(refs);
    for (const [key, recipe, profile] of [
      ['rfc', 'sendzc-provided-rfc', 'rfc-v1'],
      ['baseline', 'baseline', 'baseline'],
    ] as const) {
      runs[key] = await runScenarios({
        refs,
        compiled,
        target: new QemuTarget({ image: kernels![recipe], label: recipe, accel: 'auto' }),
        oracle: await modelOracle(profile),
        label: recipe,
        reproduce: () => '',
      });
    }
  }, 600_000);

  it('runs under TCG here (KVM probe fails on this host) and says so', () => {
    expect(runs.rfc.target.accel).toMatch(/^(tcg|kvm)$/);
    expect(runs.baseline.target.kind).toBe('qemu');
  });

  it('RFC: provided buffer indexing a registered buffer gives F_BUFFER with the bid, then the notification', () => {
    const r = runs.rfc.results.find((x) => x.id === 'zc-pbuf-regbuf-basic')!;
    expect(r.status).toBe('pass');
    expect(r.cqes.map((c) => [c.res, c.flags])).toEqual([
      [50, CQE_F.BUFFER | CQE_F.MORE | (0 << 16)],
      [0, CQE_F.NOTIF],
    ]);
  });

  it('baseline: the same SQE is refused with -EOPNOTSUPP and no notification', () => {
    const r = runs.baseline.results.find((x) => x.id === 'zc-pbuf-regbuf-basic')!;
    expect(r.status).toBe('pass');
    expect(r.cqes.map((c) => [c.res, c.flags])).toEqual([[-95, 0]]);
  });

  it('baseline agrees with the model everywhere it has an oracle', () => {
    expect(ids(runs.baseline, 'no-oracle')).toEqual(BASELINE_NO_ORACLE);
    expect(
      runs.baseline.results.filter((r) => r.status !== 'pass' && r.status !== 'no-oracle').map((r) => `${r.id}: ${r.summary}`),
    ).toEqual([]);
  });

  it('RFC: the known disagreements, each with its diff; panics only where the stale sg_from_iter is reachable', () => {
    // The RFC kernel corrupts memory, and where it panics depends on what ran before in
    // the boot: a scenario that fails (or passes) in one run may crash in another. What
    // must hold: nothing outside these lists fails, every listed failure shows up as a
    // failure or a crash, and the kernel does go down (may-crash scenarios run first).
    const status = new Map(runs.rfc.results.map((r) => [r.id, r.status]));
    for (const id of RFC_FAILS) expect(['fail', 'crash'], id).toContain(status.get(id));
    for (const id of RFC_NO_ORACLE) expect(status.get(id), id).toBe('no-oracle');
    for (const id of RFC_CRASHES) expect(['crash', 'pass'], id).toContain(status.get(id));
    // findings the fuzzer saved (corpus/found, tagged found-rfc-v1) fail or crash on the RFC, as when they were found
    for (const r of runs.rfc.results.filter((x) => x.tags.includes('found-rfc-v1'))) expect(['fail', 'crash'], r.id).toContain(r.status);
    const unexpected = runs.rfc.results.filter(
      (r) =>
        r.status !== 'pass' &&
        !RFC_FAILS.includes(r.id) &&
        !RFC_NO_ORACLE.includes(r.id) &&
        r.status !== 'crash' &&
        !r.tags.includes('found-rfc-v1'),
    );
    expect(unexpected.map((r) => `${r.id}: ${r.status} ${r.summary}`)).toEqual([]);
    // may-crash scenarios run first in a fresh boot: the first of them takes the kernel down
    expect(ids(runs.rfc, 'crash').length).toBeGreaterThan(0);
    for (const r of runs.rfc.results.filter((x) => x.status === 'fail')) expect(r.diffs.length).toBeGreaterThan(0);
    for (const r of runs.rfc.results.filter((x) => x.status === 'crash'))
      expect(r.summary).toMatch(/BUG: unable to handle page fault|general protection/);
    const unaligned = runs.rfc.results.find((x) => x.id === 'zc-unal-placement-offset200')!;
    expect(unaligned.diffs.map((d) => d.note).join(' ')).toMatch(/came from regbuf\[0\] offset 100 \(expected regbuf\[0\] offset 200\)/);
  });
});

describe.skipIf(!kernels)('a crash ends the scenario, not the run', () => {
  it('send_zc + buffer select from plain memory over UDP panics the RFC kernel; the next scenario still runs', async () => {
    // First in a fresh boot: whether it crashes depends on what the slab held before (a
    // freed kmsg with sg_from_iter set hides the bug), so nothing zero-copy runs before it.
    const pick = ['zc-select-ring-plain-udp', 'zc-plain-tcp'];
    const sel = pick.map((id) => refs.find((r) => scenarioOf(r).id === id)!);
    const run = await runScenarios({
      refs: sel,
      target: new QemuTarget({ image: kernels!['sendzc-provided-rfc'], label: 'rfc', accel: 'auto' }),
      oracle: await modelOracle('rfc-v1'),
      label: 'rfc',
      reproduce: () => '',
    });
    const crash = run.results.find((r) => r.id === 'zc-select-ring-plain-udp')!;
    expect(crash.status).toBe('crash');
    expect(crash.summary).toMatch(/BUG: unable to handle page fault/);
    expect(crash.consoleTail).toMatch(/io_send_zc/);
    expect(run.results.find((r) => r.id === 'zc-plain-tcp')!.status).toBe('pass');
    expect(run.target.boots).toBe(2);
  }, 300_000);
});

describe.skipIf(!kernels)('reproducer in the guest', () => {
  it('fails on the RFC kernel (index 65536 aliases buffer 0) and skips on the baseline', async () => {
    const spec = specs.find((s) => s.file.endsWith('zc-addr-encoding.yaml'))!;
    const index = spec.spec.scenarios.findIndex((s) => s.id === 'zc-enc-index-65536');
    const oracle = await modelOracle('rfc-v1');
    const prediction = oracle.predict(spec.spec.scenarios[index]!);
    if (prediction.kind !== 'prediction') throw new Error('no prediction');
    const c = generateRepro(spec, index, prediction, { kernel: 'sendzc-provided-rfc', profile: 'rfc-v1' });
    const dir = mkdtempSync(join(tmpdir(), 'uspec-repro-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'repro.c'), c);
    const lr = await findLiburing();
    expect(
      (
        await cc({
          sources: [join(dir, 'repro.c')],
          out: join(dir, 'repro'),
          flags: REPRO_CFLAGS,
          includes: [lr.include],
          libs: [lr.archive],
        })
      ).ok,
    ).toBe(true);
    const file = { hostPath: join(dir, 'repro'), guestPath: '/uspec/repro', mode: 0o755 };
    const runOn = async (k: 'sendzc-provided-rfc' | 'baseline') =>
      (
        await new QemuTarget({ image: kernels![k], label: k, accel: 'auto' }).run(
          [{ id: 'repro', argv: ['/uspec/repro'], timeoutMs: 10_000 }],
          [file],
        )
      ).results[0]!;
    const rfc = await runOn('sendzc-provided-rfc');
    expect(rfc.exitCode).toBe(1);
    expect(rfc.stdout).toMatch(/FAIL user_data 1 CQE #0: res expected -14, got 10/);
    const base = await runOn('baseline');
    expect(base.exitCode).toBe(77);
    expect(base.stdout).toMatch(/SKIP: send zero-copy does not take provided buffers/);
  }, 300_000);
});
