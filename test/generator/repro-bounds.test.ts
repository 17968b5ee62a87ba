// A reproducer for any valid scenario, however large its numbers: the fuzzer
// found one whose ring entry claims 4 GiB (len 4294967295) and a send of len 0
// that takes the entry's length; the reproducer sized its expected bytes by
// the model's sources (4 GiB) and its generator refused (an internal error
// that ended a 10-minute fuzz run). Now the buffer is sized at run time by
// what the completions say was sent. Built and run on the host kernel. Over
// UDP: the socket refuses the datagram (-EMSGSIZE) before reading a byte, so
// the model keeps its oracle and its 4 GiB sources; over TCP the kernel reads
// on past the buffer and the model has no oracle (test/model/fuzz-found.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { cc, findLiburing } from '../../src/core/cc.ts';
import { generateRepro } from '../../src/generator/repro.ts';
import { modelOracle } from '../../src/judge/oracle.ts';
import { loadSpecText } from '../../src/specs/load.ts';
import { REPRO_CFLAGS } from '../../src/workflows/repro.ts';

const TEXT = `version: 1
scenarios:
  - id: huge-entry
    title: a ring entry that claims 4 GiB, sent with len 0 (the entry's length) over UDP
    tags: [t]
    buffer_rings:
      - bgid: 0
        entries: 4
        buffers:
          - plain: { size: 4096, len: 4294967295, fill: { text: "0" } }
    socket: { type: udp }
    steps:
      - send: { len: 0, buf_group: 0 }
`;

describe('reproducer bounds', () => {
  it('a 4 GiB ring entry: the reproducer is generated, compiles, and runs to a verdict (no huge allocation)', async () => {
    const loaded = loadSpecText('/virtual/huge.yaml', TEXT);
    if (!loaded.ok) throw new Error(loaded.errors[0]!.message);
    const p = (await modelOracle('host')).predict(loaded.loaded.spec.scenarios[0]!);
    if (p.kind !== 'prediction') throw new Error('no prediction');
    // the model's own upper bound for the peer's bytes is what used to be compiled in
    expect(p.peer.chunks.flatMap((c) => c.sources).reduce((a, s) => a + s.len, 0)).toBeGreaterThan(1 << 30);
    const c = generateRepro(loaded.loaded, 0, p, { kernel: 'host', profile: 'host' });
    expect(c).toMatch(/cap \+= uspec_sent\(uspec_res\(&u, 0x1ULL, 0\)\);/);
    expect(c).toMatch(/unsigned char \*want = malloc\(cap\);/);
    const dir = mkdtempSync(join(tmpdir(), 'uspec-repro-bounds-'));
    writeFileSync(join(dir, 'repro.c'), c);
    const lr = await findLiburing();
    const built = await cc({
      sources: [join(dir, 'repro.c')],
      out: join(dir, 'repro'),
      flags: REPRO_CFLAGS,
      includes: [lr.include],
      libs: [lr.archive],
    });
    expect(built.output).toBe('');
    const r = await execa(join(dir, 'repro'), { reject: false, timeout: 20_000 });
    expect(r.signal).toBeUndefined();
    expect([0, 1, 77]).toContain(r.exitCode);
    expect(r.stdout).toMatch(/^(PASS|FAIL|SKIP)/m);
  }, 60_000);
});
