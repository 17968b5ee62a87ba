// The reproducer's email and C header as a maintainer receives them: headers
// that a hostile title cannot add to (checked by git's own parser), the
// liburing release the C needs (checked against liburing's symbol map), the
// kernel named by its Debian base and series Message-ID, and mail text shown
// on a terminal without acting on escape sequences.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { need } from '../need.ts';
import { LIBURING_API, liburingNeeds } from '../../src/generator/liburing-api.ts';
import { generateRepro } from '../../src/generator/repro.ts';
import { modelOracle } from '../../src/judge/oracle.ts';
import { describeOrigin, kernelOrigin } from '../../src/kernel/origin.ts';
import { formatHeader } from '../../src/series/mail.ts';
import { allScenarios, loadSpecsOrThrow, scenarioOf } from '../../src/specs/load.ts';
import { builtKernels } from '../integration/kernels.ts';

const kernels = await builtKernels();
const cli = (...args: string[]) => execa('node', ['bin/uringspec.mjs', ...args], { reject: false });
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-mail-'));
const T = 60_000;

/** The header block of a mail, unfolded: one entry per header. */
function headers(mail: string): string[] {
  return mail
    .slice(0, mail.indexOf('\n\n'))
    .replace(/\n[ \t]/g, ' ')
    .split('\n');
}

async function mailinfo(mail: string, dir: string): Promise<{ info: string; body: string }> {
  const r = await execa('git', ['mailinfo', '-k', '-u', join(dir, 'msg'), join(dir, 'patch')], { input: mail });
  return { info: r.stdout, body: readFileSync(join(dir, 'msg'), 'utf8') };
}

describe('repro email', () => {
  it(
    'a title with a newline, "Bcc:", an escape sequence and UTF-8 stays inside one folded Subject',
    async () => {
      const dir = tmp();
      const spec = join(dir, 'hostile.yaml');
      const title = 'x\nBcc: victim@example.com\n\x1b[31m ünïcödé bundle cap, a title long enough to be folded over more than one line';
      writeFileSync(
        spec,
        readFileSync('corpus/send-bundle.yaml', 'utf8').replace(
          /(- id: send-bundle-cap-mid\n\s+title: ).*\n/,
          (_m, head: string) => `${head}${JSON.stringify(title)}\n`,
        ),
      );
      const r = await cli('repro', spec, '--scenario', 'send-bundle-cap-mid', '--profile', 'baseline', '--out', dir, '--quiet');
      expect(r.stdout).toMatch(/reproducer (fails|passes)/);
      const mail = readFileSync(join(dir, 'send-bundle-cap-mid.txt'), 'utf8');
      const names = headers(mail).map((h) => h.slice(0, h.indexOf(':')));
      expect(names).toEqual(['Subject', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding']);
      for (const l of mail.slice(0, mail.indexOf('\n\n')).split('\n')) expect(l.length).toBeLessThanOrEqual(78);
      const { info, body } = await mailinfo(mail, dir);
      const subject =
        '[BUG] io_uring: x Bcc: victim@example.com \\x1b[31m ünïcödé bundle cap, a title long enough to be folded over more than one line';
      expect(info.split('\n').find((l) => l.startsWith('Subject: '))).toBe(`Subject: ${subject}`);
      expect(body).toMatch(/^Kernel: host /m);
      expect(body).not.toContain('\x1b');
    },
    T,
  );

  it('formatHeader folds at spaces before 78 characters and keeps short ASCII values as they are', async () => {
    expect(formatHeader('Subject', 'short one')).toBe('Subject: short one');
    const long = formatHeader('Subject', Array.from({ length: 30 }, (_, i) => `word${i}`).join(' '));
    expect(long.split('\n').length).toBeGreaterThan(2);
    for (const l of long.split('\n')) expect(l.length).toBeLessThanOrEqual(78);
    expect(
      long
        .split('\n')
        .slice(1)
        .every((l) => l.startsWith(' ')),
    ).toBe(true);
    const dir = tmp();
    const { info } = await mailinfo(`${long}\n\nbody\n`, dir);
    expect(info).toContain(`Subject: ${Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')}`);
  });
});

describe('the liburing a reproducer needs', () => {
  it('every liburing name the corpus reproducers use is known, and they need 2.6 for a buffer ring head check', async () => {
    const refs = allScenarios(loadSpecsOrThrow(['corpus']));
    const oracle = await modelOracle('rfc-v1');
    const versions = new Set<string>();
    for (const r of refs) {
      const p = oracle.predict(scenarioOf(r));
      if (p.kind !== 'prediction') continue;
      const c = generateRepro(r.spec, r.index, p, { kernel: 'k', profile: 'rfc-v1' });
      const needs = liburingNeeds(c);
      versions.add(needs.version);
      expect(c).toContain(` * Needs: liburing >= ${needs.version}`);
      if (c.includes('io_uring_buf_ring_head(')) expect(needs).toEqual({ version: '2.6', because: ['io_uring_buf_ring_head'] });
    }
    expect([...versions].sort()).toEqual(expect.arrayContaining(['2.3', '2.6']));
    expect(() => liburingNeeds('int main(void) { io_uring_prep_recv_multishot(0, 0, 0, 0); }')).toThrow(/does not know/);
  });

  const map = join(homedir(), '.cache', 'uringspec', 'build', 'liburing-2.9', 'src', 'liburing.map');
  const haveMap = need(existsSync(map), { what: `liburing 2.9's source (${map}) is not in the cache`, build: 'npm run setup' });
  it.skipIf(!haveMap)('library functions are dated by the symbol-version node of liburing.map', () => {
    // LIBURING_2.N { global: names; } ... : the node a function is listed in is the release that added it.
    const node = new Map<string, string>();
    let cur = '';
    for (const line of readFileSync(map, 'utf8').split('\n')) {
      const m = /^LIBURING_(\d+\.\d+)\s*\{/.exec(line);
      if (m) cur = m[1]!;
      const f = /^\s+(io_uring_\w+);/.exec(line);
      if (f) node.set(f[1]!, cur);
    }
    const listed = Object.entries(LIBURING_API).filter(([name]) => node.has(name));
    expect(listed.length).toBeGreaterThan(6);
    for (const [name, api] of listed) expect(`${name} ${api.since}`).toBe(`${name} ${node.get(name)}`);
  });
});

describe('the kernel a report names', () => {
  it('a recipe: the Debian base and the series under test with its cover letter Message-ID', async () => {
    const o = (await kernelOrigin('sendzc-provided-rfc'))!;
    expect(describeOrigin(o)).toBe(
      'Debian linux 6.12.8-1 + [PATCHSET RFC 0/7] Add support for provided registered buffers (v1, Message-ID <20241023161522.1126423-1-axboe@kernel.dk>)',
    );
    expect(o.series.map((s) => s.messageId ?? s.file)).toEqual([
      '9517167e-8338-43ba-a40a-7b487c12ac45@kernel.dk',
      '20241022133441.855081-1-axboe@kernel.dk',
      '9670c026-848c-433f-a473-452194aa8cb2@kernel.dk',
      '0001-io_uring-net-apply-03-to-io_send_zc_import.patch',
      '20241023161522.1126423-1-axboe@kernel.dk',
    ]);
    expect(await kernelOrigin('/nonexistent/bzImage')).toBeUndefined();
  });

  it.skipIf(!kernels)(
    'repro on the RFC kernel: the mail and the C name the base and the series',
    async () => {
      const dir = tmp();
      const r = await cli(
        'repro',
        'corpus/zc-provided-regbuf.yaml',
        '--scenario',
        'zc-pbuf-regbuf-basic',
        '--kernel',
        'sendzc-provided-rfc',
        '--out',
        dir,
        '--quiet',
      );
      expect(r.exitCode, r.stderr).toBe(0);
      const mail = readFileSync(join(dir, 'zc-pbuf-regbuf-basic.txt'), 'utf8');
      expect(mail).toMatch(
        /^Kernel: Debian linux 6\.12\.8-1 \+ \[PATCHSET RFC 0\/7\] Add support for provided registered buffers \(v1, Message-ID <20241023161522\.1126423-1-axboe@kernel\.dk>\)\n {8}uringspec recipe sendzc-provided-rfc \(build [0-9a-f]{16}\), run under QEMU \((tcg|kvm)\); applied in order:$/m,
      );
      expect(mail).toContain('with liburing >= 2.6 (io_uring_buf_ring_head)');
      const c = readFileSync(join(dir, 'zc-pbuf-regbuf-basic.c'), 'utf8');
      expect(c).toContain(' * observed on sendzc-provided-rfc: Debian linux 6.12.8-1 + [PATCHSET RFC 0/7] Add support');
      expect(c).toContain(' * Needs: liburing >= 2.6 (io_uring_buf_ring_head)');
    },
    120_000,
  );
});

describe('series show', () => {
  it(
    'escape sequences in a subject are shown, not sent to the terminal',
    async () => {
      const dir = tmp();
      const mbox = join(dir, 'ansi.mbox');
      writeFileSync(
        mbox,
        readFileSync('series/01-rsrc-dont-assign-bvec-twice.mbox', 'utf8').replace(
          "Subject: [PATCH for-next] io_uring/rsrc: don't assign bvec twice in",
          'Subject: [PATCH for-next] io_uring/rsrc: \x1b]0;pwned\x07\x1b[2Jred =?UTF-8?q?=1B=5B1mbold?= in',
        ),
      );
      const r = await cli('series', 'show', mbox);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(r.stdout).toContain('io_uring/rsrc: \\x1b]0;pwned\\x07\\x1b[2Jred \\x1b[1mbold');
    },
    T,
  );
});
