// The product as the gate runs it: the corpus compiled once, booted on the
// RFC kernel and on the baseline, every scenario judged by the model profile
// of its kernel. Every verdict is pinned in verdicts.test.ts
// (test/expectations); these tests check what a pin does not show: the CQE
// flags and buffer ids, the bytes' origin, a crash's title, the reproducer.
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

  // Every scenario's verdict on both kernels is pinned exactly in verdicts.test.ts; what follows checks content
  // the pins do not show.
  it('RFC: bytes sent from the wrong place in a registered buffer are traced to the offset they came from', () => {
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
    // the title comes from the oops, not from the panic line after it
    expect(crash.summary).toMatch(/^crash: general protection fault in __zerocopy_sg_from_iter/);
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
