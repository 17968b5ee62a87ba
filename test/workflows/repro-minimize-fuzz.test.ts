// Issue 6 on the host kernel: reproducers, minimization and fuzzing, each
// asserting something that can fail. The host (6.18, no RFC) gives real
// disagreements: 6.12's bundle semantics differ from 6.18's, and every RFC
// scenario is refused with -EOPNOTSUPP.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { batchRunner } from '../../src/workflows/batch.ts';
import { Synth } from '../../src/specs/synth/index.ts';
import { HostTarget } from '../../src/exec/host-target.ts';
import { minimize, reductions, scenarioSize } from '../../src/specs/minimize.ts';
import { modelOracle } from '../../src/judge/oracle.ts';
import { failureSignature } from '../../src/judge/signature.ts';
import { loadSpecText } from '../../src/specs/load.ts';
import { validScenario } from '../../src/specs/memory.ts';

const cli = (...args: string[]) => execa('node', ['bin/uringspec.mjs', ...args], { reject: false });
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-i6-'));

describe('repro', () => {
  it('a known disagreement: the reproducer builds, fails and prints expected vs got', async () => {
    const out = tmp();
    // 6.12 (baseline profile) truncates a capped bundle's last entry; the host's 6.18 stops before it.
    const r = await cli(
      'repro',
      'corpus/send-bundle.yaml',
      '--scenario',
      'send-bundle-cap-mid',
      '--profile',
      'baseline',
      '--out',
      out,
      '--quiet',
    );
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/reproducer fails/);
    expect(r.stdout).toMatch(/FAIL user_data 1 CQE #0: res expected 80, got 64/);
    const c = readFileSync(join(out, 'send-bundle-cap-mid.c'), 'utf8');
    const cc = await execa(
      'gcc',
      [
        '-O2',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-I',
        `${process.env.HOME}/.cache/uringspec/liburing-2.9/include`,
        '-c',
        '-o',
        join(out, 'x.o'),
        join(out, 'send-bundle-cap-mid.c'),
      ],
      { reject: false, all: true },
    );
    expect(cc.all).toBe('');
    expect(c).not.toContain('#include "uspec.h"');
    const email = readFileSync(join(out, 'send-bundle-cap-mid.txt'), 'utf8');
    expect(email).toMatch(/^Subject: \[BUG\] io_uring: /);
    expect(email).toContain('What the program does:');
    expect(email).toContain(
      'IORING_OP_SEND (user_data 1) of 80 bytes from a provided buffer from group 1 (IOSQE_BUFFER_SELECT), IORING_RECVSEND_BUNDLE',
    );
    expect(email).toContain(c);
  }, 60_000);

  it('an RFC scenario skips (77) on a kernel without the RFC', async () => {
    const out = tmp();
    const r = await cli(
      'repro',
      'corpus/zc-provided-regbuf.yaml',
      '--scenario',
      'zc-pbuf-regbuf-basic',
      '--profile',
      'rfc-v1',
      '--out',
      out,
      '--quiet',
    );
    expect(r.stdout).toMatch(/reproducer skips/);
    expect(r.stdout).toMatch(/SKIP: send zero-copy does not take provided buffers/);
    expect(r.exitCode).toBe(0);
  }, 60_000);
});

describe('minimize', () => {
  it('reductions are valid scenarios, each smaller or simpler', () => {
    for (const { scenario } of new Synth({ seed: 7 }).next(20))
      for (const c of reductions(scenario)) expect(validScenario(c.scenario)).toBeDefined();
  });

  it('reduces a padded failing scenario to its core on the host', async () => {
    const r = loadSpecText(
      'padded.yaml',
      `version: 1
scenarios:
  - id: padded
    title: a bundle cap that 6.12 and 6.18 treat differently, padded with noise
    registered_buffers: { count: 3, size: 8192 }
    buffer_rings:
      - { bgid: 1, entries: 4, buffers: [ { plain: { size: 64 } }, { plain: { size: 32 } }, { plain: { size: 16 } } ] }
      - { bgid: 2, entries: 4, buffers: [ { plain: { size: 10 } }, { plain: { size: 10 } } ] }
    steps:
      - send: { len: 100, source: { plain: { size: 100 } } }
      - send: { buf_group: 1, len: 80, flags: [BUNDLE] }
      - peer_drain: {}
      - send: { buf_group: 2 }
`,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const start = r.loaded.spec.scenarios[0]!;
    const run = batchRunner(new HostTarget(), await modelOracle('baseline'), 'host');
    const [first] = await run([start]);
    const sig = failureSignature(first!);
    expect(sig).toBe('fail:cqe.res[sock.stream-full]');
    expect(first!.diffs[0]!.where).toMatch(/user_data 2/);
    const min = await minimize(start, sig!, async (b) => (await run(b)).map(failureSignature));
    expect(scenarioSize(min.scenario)).toBeLessThan(scenarioSize(start));
    expect(min.scenario.steps).toEqual([{ send: expect.objectContaining({ buf_group: 1, len: 80, flags: ['BUNDLE'] }) }]);
    expect(min.scenario.registered_buffers).toBeUndefined();
    expect(min.scenario.buffer_rings.map((b) => b.bgid)).toEqual([1]);
    expect(failureSignature((await run([min.scenario]))[0]!)).toBe(sig);
  }, 120_000);

  it('a passing scenario has nothing to reproduce (exit 0)', async () => {
    const r = await cli('minimize', 'corpus/zc-basic.yaml', '--scenario', 'zc-plain-tcp', '--quiet', '--out', tmp());
    expect(r.stdout).toMatch(/^nothing to reproduce: zc-plain-tcp passes/);
    expect(r.exitCode).toBe(0);
  }, 60_000);
});
