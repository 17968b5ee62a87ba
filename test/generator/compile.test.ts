// Generated C must compile cleanly: -Wall -Wextra -Werror, both as one suite
// and as standalone single-scenario files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { generateProgram } from '../../src/generator/program.ts';
import { CFLAGS } from '../../src/exec/compile.ts';
import { allScenarios, scenarioOf } from '../../src/specs/load.ts';
import { buildSuite } from '../../src/exec/suite.ts';
import { cc, findLiburing } from '../../src/core/cc.ts';
import { loadSpecs } from '../../src/specs/load.ts';

describe('generated C', () => {
  const { specs, errors } = loadSpecs(['corpus', 'test/fixtures']);

  it('the corpus and fixtures load', () => expect(errors).toEqual([]));

  it('the whole corpus compiles as one program with -Wall -Wextra -Werror', async () => {
    expect(CFLAGS).toEqual(expect.arrayContaining(['-Wall', '-Wextra', '-Werror']));
    const refs = allScenarios(specs);
    const compiled = await buildSuite(refs);
    const list = await execa(compiled.binary, ['--list']);
    expect(list.stdout.split('\n')).toEqual(refs.map((r) => scenarioOf(r).id));
  }, 60_000);

  it('each fixture scenario compiles standalone (runtime inlined)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uspec-c-'));
    const lr = await findLiburing();
    for (const ref of allScenarios(specs).filter((r) => r.spec.file.includes('fixtures'))) {
      const prog = generateProgram([ref], { inlineRuntime: true });
      expect(prog.c).not.toContain('#include "uspec.h"');
      const file = join(dir, `${scenarioOf(ref).id}.c`);
      writeFileSync(file, prog.c);
      const r = await cc({
        sources: [file],
        out: `${file}.o`,
        flags: ['-Wall', '-Wextra', '-Werror', '-O2', '-c'],
        includes: [lr.include],
      });
      expect(r.output, scenarioOf(ref).id).toBe('');
      expect(r.ok).toBe(true);
    }
  }, 60_000);

  it('maps a C line back to the spec line that produced it (lines read off test/fixtures/basic.yaml)', () => {
    const fixtures = specs.filter((s) => s.file.includes('fixtures'));
    const prog = generateProgram(allScenarios(fixtures));
    const calls = prog.c
      .split('\n')
      .map((l, i) => ({ l, at: i + 1 }))
      .filter(({ l }) => /io_uring_prep_send(_zc)?\(|io_uring_register_buffers\(|uspec_peer_recv\(/.test(l));
    // Each step and each registered_buffers key of the fixture, by the line it is written on.
    const name = (l: string) => (l.includes('io_uring_register_buffers(') ? 'register' : l.trim().replace(/\(.*$/, ''));
    expect(calls.map(({ l, at }) => `${name(l)} ${prog.specLineOf(at)}`)).toEqual([
      'io_uring_prep_send_zc test/fixtures/basic.yaml:7',
      'register test/fixtures/basic.yaml:12',
      'io_uring_prep_send_zc test/fixtures/basic.yaml:20',
      'io_uring_prep_send test/fixtures/basic.yaml:31',
      'io_uring_prep_send test/fixtures/basic.yaml:37',
      'uspec_peer_recv test/fixtures/basic.yaml:39',
      'register test/fixtures/basic.yaml:42',
      'io_uring_prep_send_zc test/fixtures/basic.yaml:44',
    ]);
  });
});

describe('a compiler error in generated C', () => {
  it('is reported with the C line and the spec line it came from', async () => {
    const { compileProgram, GeneratedCodeError } = await import('../../src/exec/compile.ts');
    const { specs } = loadSpecs(['test/fixtures/basic.yaml']);
    const prog = generateProgram(allScenarios(specs));
    const lines = prog.c.split('\n');
    // the second send_zc of the fixture: zc-provided-regbuf's step, line 20 of basic.yaml
    const i = lines.findIndex(
      (l, n) => l.includes('io_uring_prep_send_zc(') && n > lines.findIndex((x) => x.includes('io_uring_prep_send_zc(')),
    );
    lines[i] = lines[i]!.replace('io_uring_prep_send_zc(', 'io_uring_prep_send_zc_typo(');
    const broken = { ...prog, c: lines.join('\n') };
    const err = await compileProgram(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GeneratedCodeError);
    expect((err as Error).message).toMatch(
      new RegExp(`uringspec-suite\\.c:${i + 1}:\\d+: error: implicit declaration of function .io_uring_prep_send_zc_typo.`),
    );
    expect((err as Error).message).toContain('generated from test/fixtures/basic.yaml:20');
  }, 30_000);
});
