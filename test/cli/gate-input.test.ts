// `uringspec gate --series` with bad input: each is one clear message and
// exit 2 before any work (the report directory is never created, so nothing
// was built, compiled or booted), never a stack trace.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const tmp = mkdtempSync(join(tmpdir(), 'uspec-gate-input-'));
const RFC = 'series/04-provided-registered-buffers-rfc.mbox';

/** Runs `uringspec gate ...` in this process; asserts exit 2, nothing started, nothing on stdout, no stack. Returns stderr. */
async function gate(...args: string[]): Promise<string> {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const [stdout, stderr] = [[] as string[], [] as string[]];
  const orig = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = (s: string) => (stdout.push(String(s)), true);
  process.stderr.write = (s: string) => (stderr.push(String(s)), true);
  let code: number;
  try {
    code = await main(['gate', '--quiet', '--out', out, ...args]);
  } finally {
    process.stdout.write = orig.out;
    process.stderr.write = orig.err;
  }
  expect(code).toBe(2);
  expect(existsSync(out)).toBe(false);
  expect(stdout.join('')).toBe('');
  expect(stderr.join('')).not.toMatch(/^\s+at /m);
  return stderr.join('');
}

describe('gate --series: bad input, exit 2 before any work', () => {
  it('a file that is not a series: YAML, empty, a mail without a patch, missing', async () => {
    expect(await gate('--series', 'test/fixtures/basic.yaml')).toMatch(
      /^uringspec gate: not a series: test\/fixtures\/basic\.yaml is neither an mbox .* nor a public-inbox thread page/m,
    );
    writeFileSync(join(tmp, 'empty.mbox'), '');
    expect(await gate('--series', join(tmp, 'empty.mbox'))).toMatch(/^uringspec gate: not a series: .*empty\.mbox is empty$/m);
    writeFileSync(join(tmp, 'mail.mbox'), 'From a@b.c Mon Jan  1 00:00:00 2024\nFrom: A <a@b.c>\nSubject: a question\n\nno diff\n');
    expect(await gate('--series', join(tmp, 'mail.mbox'))).toMatch(
      /^uringspec gate: no patches in .*mail\.mbox: 1 message\(s\), 0 cover letter\(s\), 0 repl\(ies\), none with a \[PATCH\] subject and a diff$/m,
    );
    // the second of two series is checked too
    expect(await gate('--series', RFC, '--series', join(tmp, 'nope.mbox'))).toMatch(/cannot read .*nope\.mbox: no such file/);
  }, 60_000);

  it('a base not of the form debian:<pkg>=<ver>, and one the deb-src index does not have', async () => {
    expect(await gate('--series', RFC, '--base', 'linux-6.12.8')).toMatch(
      /^uringspec gate: --base "linux-6\.12\.8": expected debian:<package>=<version>/m,
    );
    expect(await gate('--series', RFC, '--base', 'debian:linux=6.99.1-1')).toMatch(
      /^uringspec gate: debian:linux=6\.99\.1-1: Debian's source index has no linux 6\.99\.1-1; it has .*6\.12\.8-1/m,
    );
    expect(await gate('--series', RFC, '--base', 'debian:no-such-source=1.0-1')).toMatch(/has no source package "no-such-source"/);
  }, 60_000);

  it('options that do not go together', async () => {
    expect(await gate('--recipe', 'baseline', '--series', RFC)).toMatch(/--recipe and --series name the patched kernel twice/);
    expect(await gate('--base', 'debian:linux=6.12.8-1')).toMatch(/--base goes with --series/);
    expect(await gate('--series', RFC, '--version', '2')).toMatch(/no v2 in .*versions present: v1/);
    expect(await gate('--series', RFC, '--series', RFC, '--version', '1', '--version', '1', '--version', '1')).toMatch(
      /3 --version for 2 --series/,
    );
    expect(await gate(RFC)).toMatch(/unexpected argument ".*" \(series files go after --series\)/);
    expect(await gate('--series', RFC, '--profile', 'host')).toMatch(/--profile must be one of rfc-v1, rfc-rev, baseline/);
  }, 60_000);
});
