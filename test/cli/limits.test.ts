// Hostile and odd spec inputs through the CLI: each ends in a message that
// names the cause (and the limit and how to raise it) and exit 2 before any
// work, never an internal error; or loads correctly.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { builtKernels } from '../integration/kernels.ts';

const cli = (args: string[], env: Record<string, string> = {}) =>
  execa('node', ['bin/uringspec.mjs', ...args], { reject: false, env: { ...process.env, ...env } });
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-limits-'));
const T = 60_000;
/** Spec files are named relative to the working directory in messages. */
const rel = (f: string) => relative(process.cwd(), f);

const scenario = (id: string, extra = '') =>
  `  - id: ${id}\n    title: t\n${extra}    steps: [ { send: { source: { plain: { size: 10 } }, len: 10 } } ]\n`;
const spec = (...ids: string[]) => `version: 1\nscenarios:\n${ids.map((id) => scenario(id)).join('')}`;

function noInternalError(r: { stderr: string }) {
  expect(r.stderr).not.toMatch(/internal error| {4}at /);
}

describe('limits', () => {
  it(
    'a spec file over 1 MiB is refused before it is read, naming the limit and its variable',
    async () => {
      const f = join(tmp(), 'big.yaml');
      const text = spec('a') + `# ${'x'.repeat(1 << 20)}\n`;
      writeFileSync(f, text);
      const r = await cli(['generate', f]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(
        `${rel(f)}:0:0: the size of the spec file is ${Buffer.byteLength(text)} bytes; the limit is 1048576 bytes`,
      );
      expect(r.stderr).toContain('(set URINGSPEC_MAX_SPEC_BYTES to raise it)');
      expect(r.stdout).toBe('');
      noInternalError(r);
      const raised = await cli(['check', f], { URINGSPEC_MAX_SPEC_BYTES: String(2 << 20) });
      expect(raised.stdout).toBe('1 file(s), 1 scenario(s): ok');
      expect(raised.exitCode).toBe(0);
    },
    T,
  );

  it(
    'more scenarios than the per-run limit: exit 2 at the first one over it',
    async () => {
      const dir = tmp();
      writeFileSync(join(dir, 'a.yaml'), spec('a1', 'a2'));
      writeFileSync(join(dir, 'b.yaml'), spec('b1', 'b2', 'b3'));
      const r = await cli(['run', dir], { URINGSPEC_MAX_SCENARIOS: '3' });
      expect(r.exitCode).toBe(2);
      // b.yaml's second scenario is the run's 4th: line 6 of b.yaml.
      expect(r.stderr).toContain(
        `${rel(join(dir, 'b.yaml'))}:6:1: scenarios[1]: scenario 4 of this run: the number of scenarios in this run is 5; the limit is 3 (set URINGSPEC_MAX_SCENARIOS to raise it)`,
      );
      expect(r.stderr).toMatch(/nothing was built/);
      const bad = await cli(['check', dir], { URINGSPEC_MAX_SCENARIOS: 'lots' });
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toMatch(/^uringspec check: URINGSPEC_MAX_SCENARIOS must be a positive integer, not "lots"/);
      const fuzz = await cli(['fuzz', '--batch', '5000']);
      expect(fuzz.exitCode).toBe(2);
      expect(fuzz.stderr).toMatch(/--batch: the number of scenarios in this run is 5000; the limit is 1000 \(set URINGSPEC_MAX_SCENARIOS/);
    },
    T,
  );

  it(
    'buffers of one scenario over the limit: at the scenario, with the variable',
    async () => {
      const f = join(tmp(), 'huge.yaml');
      writeFileSync(f, `version: 1\nscenarios:\n${scenario('huge', '    registered_buffers: { count: 5, size: 16777216 }\n')}`);
      const r = await cli(['check', f]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(
        `${rel(f)}:3:9: scenarios[0].id: the memory the scenario allocates for buffers is 83906570 bytes; the limit is 67108864 bytes (set URINGSPEC_MAX_SCENARIO_BYTES to raise it)`,
      );
      expect((await cli(['check', f], { URINGSPEC_MAX_SCENARIO_BYTES: '100000000' })).exitCode).toBe(0);
    },
    T,
  );

  it(
    'a YAML alias bomb: exit 2 at the alias that goes over the limit; ordinary aliases load',
    async () => {
      const dir = tmp();
      const bomb = join(dir, 'bomb.yaml');
      const level = (name: string, of: string) => `${name}: &${name} [${Array(9).fill(`*${of}`).join(', ')}]\n`;
      writeFileSync(
        bomb,
        'version: 1\na: &a [x, x, x, x, x, x, x, x, x]\n' +
          level('b', 'a') +
          level('c', 'b') +
          level('d', 'c') +
          level('e', 'd') +
          level('f', 'e') +
          'scenarios: [*f]\n',
      );
      const r = await cli(['generate', bomb]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^${rel(bomb)}:7:\\d+: YAML: at \\*e \\(66430 nodes\\): the number of nodes reached through YAML aliases is \\d+; the limit is 100000 \\(set URINGSPEC_MAX_YAML_ALIASES to raise it\\)$`,
          'm',
        ),
      );
      noInternalError(r);
      const unresolved = join(dir, 'unresolved.yaml');
      writeFileSync(unresolved, 'version: 1\nscenarios: [*nope]\n');
      const u = await cli(['check', unresolved]);
      expect(u.exitCode).toBe(2);
      expect(u.stderr).toContain(`${rel(unresolved)}:2:13: YAML: alias *nope has no anchor &nope before it`);
      // 150 aliases of one steps list: more than the yaml package's default cap of 100.
      const reuse = join(dir, 'reuse.yaml');
      const many = Array.from({ length: 150 }, (_, i) =>
        i === 0
          ? '  - id: s0\n    title: t\n    steps: &st [ { send: { source: { plain: { size: 10 } }, len: 10 } } ]\n'
          : `  - id: s${i}\n    title: t\n    steps: *st\n`,
      );
      writeFileSync(reuse, `version: 1\nscenarios:\n${many.join('')}`);
      const ok = await cli(['check', reuse]);
      expect(ok.stdout).toBe('1 file(s), 150 scenario(s): ok');
      expect(ok.exitCode).toBe(0);
    },
    T,
  );
});

describe('loading', () => {
  it(
    'symlinked directories are followed once, a loop is reported, *.YAML and *.yml count',
    async () => {
      const root = tmp();
      const real = join(root, 'real');
      mkdirSync(join(real, 'sub'), { recursive: true });
      writeFileSync(join(real, 'a.yaml'), spec('a'));
      writeFileSync(join(real, 'sub', 'B.YAML'), spec('b'));
      writeFileSync(join(real, 'sub', 'c.yml'), spec('c'));
      writeFileSync(join(real, 'sub', 'notes.txt'), 'not a spec');
      const top = join(root, 'top');
      mkdirSync(top);
      symlinkSync('../real', join(top, 'one'));
      symlinkSync('../real', join(top, 'two'));
      const r = await cli(['check', top]);
      expect(r.stdout).toBe('3 file(s), 3 scenario(s): ok');
      expect(r.exitCode).toBe(0);
      symlinkSync('..', join(real, 'sub', 'loop'));
      const loop = await cli(['check', top]);
      expect(loop.exitCode).toBe(2);
      expect(loop.stderr).toContain(
        `${rel(join(top, 'one', 'sub', 'loop'))}:0:0: symbolic link loop: this is ${rel(join(top, 'one'))} again`,
      );
      noInternalError(loop);
    },
    T,
  );

  it(
    'a FIFO or a device named as a spec, or nesting deeper than the parser goes: exit 2, never a hang or an internal error',
    async () => {
      const fifo = join(tmp(), 'pipe.yaml');
      await execa('mkfifo', [fifo]);
      for (const f of [fifo, '/dev/zero']) {
        const r = await cli(['check', f]);
        expect(r.exitCode).toBe(2);
        expect(r.stderr).toContain(`${rel(f)}:0:0: not a regular file`);
      }
      const deep = join(tmp(), 'deep.yaml');
      writeFileSync(deep, `version: 1\nscenarios: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
      const d = await cli(['check', deep]);
      expect(d.exitCode).toBe(2);
      expect(d.stderr).toMatch(new RegExp(`^${rel(deep)}:2:\\d+: YAML: `, 'm'));
      noInternalError(d);
    },
    T,
  );

  it(
    'a res range with min > max is rejected at its file:line:col',
    async () => {
      const f = join(tmp(), 'range.yaml');
      writeFileSync(
        f,
        'version: 1\nscenarios:\n  - id: r\n    title: t\n    steps:\n      - send:\n          source: { plain: { size: 10 } }\n          len: 10\n          expect: { cqes: [ { res: { min: 100, max: -100 } } ] }\n',
      );
      const r = await cli(['check', f]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(
        `${rel(f)}:9:36: scenarios[0].steps[0].send.expect.cqes[0].res: min 100 is greater than max -100: the range is empty`,
      );
      writeFileSync(f, spec('r').replace('len: 10 }', 'len: 10, expect: { cqes: [ { res: { min: 5, max: 5 } } ] } }'));
      expect((await cli(['check', f])).exitCode).toBe(0);
    },
    T,
  );

  it(
    'control characters in a spec error are shown, not sent to the terminal',
    async () => {
      const f = join(tmp(), 'ansi.yaml');
      writeFileSync(f, spec('a').replace('title: t', 'title: t\n    "\\e[31mred": 1'));
      const r = await cli(['check', f]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('unknown key "\\x1b[31mred"');
      expect(r.stderr).not.toContain('\x1b');
    },
    T,
  );
});

const kernels = await builtKernels();

describe.skipIf(!kernels)('guest memory', () => {
  it('a scenario that does not fit the guest is refused before boot; URINGSPEC_GUEST_MEM_MB gives the guest more', async () => {
    // 240 MiB of registered buffers: OOM-killed in the 256 MiB guest (a false CRASH verdict) before this check.
    const f = join(tmp(), 'mem.yaml');
    writeFileSync(
      f,
      `version: 1\nscenarios:\n${scenario('mem240', '    registered_buffers: { count: 15, size: 16777216, fill: { byte: 1 } }\n')}`,
    );
    const env = { URINGSPEC_MAX_SCENARIO_BYTES: String(300 << 20) };
    const r = await cli(['run', f, '--kernel', 'baseline', '--quiet'], env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^uringspec run: mem240 \\(${rel(f)}:3\\) allocates 240\\.0 MiB of buffers; with the initramfs \\([\\d.]+ MiB, held twice\\) and 32 MiB for the kernel: the guest memory this run needs is about 27\\d MiB; the limit is 256 MiB \\(set URINGSPEC_GUEST_MEM_MB to raise it\\)$`,
      ),
    );
    expect(r.stdout).toBe('');
    const raised = await cli(['run', f, '--kernel', 'baseline', '--quiet'], { ...env, URINGSPEC_GUEST_MEM_MB: '512' });
    expect(raised.stdout).toMatch(/^baseline \(qemu, (tcg|kvm), model baseline\): 1\/1 pass$/m);
    expect(raised.exitCode).toBe(0);
  }, 300_000);
});
