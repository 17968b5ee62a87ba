// `uringspec gate` as CI runs it: reports in every format, exit codes,
// sharding + merge, a series brought with --series (a broken one, and b4's
// export of the RFC), an interrupted run.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlEscape } from '../../src/report/junit.ts';
import type { RunReport } from '../../src/report/report.ts';
import { allScenarios, loadSpecsOrThrow } from '../../src/specs/load.ts';
import { builtKernels } from './kernels.ts';

const kernels = await builtKernels();
const cli = (...args: string[]) => execa('node', ['bin/uringspec.mjs', ...args], { reject: false });
const tmp = () => mkdtempSync(join(tmpdir(), 'uspec-gate-'));
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
// The QEMUs a gate process started (its children: other users' QEMUs on the machine do not count).
// -f: /proc comm is cut at 15 characters ("qemu-system-x86"), so -x would never match.
const qemuOf = async (pid: number) =>
  (await execa('pgrep', ['-P', String(pid), '-f', '^qemu-system-x86_64 '], { reject: false })).stdout.split('\n').filter(Boolean);
const alive = (pid: string) => {
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};
/** Runs the CLI, noting every QEMU it starts. */
async function cliWatchingQemu(...args: string[]) {
  const child = execa('node', ['bin/uringspec.mjs', ...args], { reject: false });
  const seen = new Set<string>();
  const poll = setInterval(() => void qemuOf(child.pid!).then((ps) => ps.forEach((p) => seen.add(p))), 100);
  const r = await child.finally(() => clearInterval(poll));
  return { ...r, qemus: [...seen] };
}

describe.skipIf(!kernels)('uringspec gate', () => {
  it('RFC series: exit 1, every report written, liburing tests run on both kernels', async () => {
    const out = tmp();
    const r = await cli('gate', '--out', out, '--quiet', '--peer-tests', 'send_recv,buf-ring');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^sendzc-provided-rfc \(qemu, (tcg|kvm), model rfc-v1\): \d+\/\d+ pass/m);
    expect(r.stdout).toMatch(/^baseline \(qemu, (tcg|kvm), model baseline\): \d+\/\d+ pass, 1 no-oracle$/m);
    expect(r.stdout).toMatch(/liburing tests: 2 pass, 0 skip, 0 fail/);
    for (const f of ['results.ktap', 'junit.xml', 'report.json', 'report.html', 'summary.txt'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(XMLValidator.validate(readFileSync(join(out, 'junit.xml'), 'utf8'))).toBe(true);
    const ktap = readFileSync(join(out, 'results.ktap'), 'utf8');
    expect(ktap).toMatch(/^KTAP version 1\n1\.\.2\n/);
    expect(ktap).toMatch(/# Subtest: sendzc-provided-rfc/);
    expect(ktap).toMatch(/ok \d+ liburing:send_recv/);
    const report = readReport(out);
    expect(report.incomplete).toBe(false);
    expect(report.regressions).toEqual([]);
    expect(report.kernels.map((k) => k.peer?.map((p) => p.status))).toEqual([
      ['pass', 'pass'],
      ['pass', 'pass'],
    ]);
  }, 600_000);

  it('--shard 1/2 + --shard 2/2 + report merge equals the unsharded run', async () => {
    const [full, s1, s2, merged] = [tmp(), tmp(), tmp(), tmp()];
    await cli('gate', '--no-peer', '--quiet', '--out', full);
    await cli('gate', '--no-peer', '--quiet', '--shard', '1/2', '--out', s1);
    await cli('gate', '--no-peer', '--quiet', '--shard', '2/2', '--out', s2);
    expect(readReport(s1).kernels[0]!.results.length + readReport(s2).kernels[0]!.results.length).toBe(
      readReport(full).kernels[0]!.results.length,
    );
    const m = await cli('report', 'merge', join(s1, 'report.json'), join(s2, 'report.json'), '--out', merged);
    expect(m.exitCode).toBe(1);
    // Shard 1 alone is never a verdict (it once merged into "2/2 pass" with the rest never run).
    const alone = await cli('report', 'merge', join(s1, 'report.json'), '--out', tmp());
    expect(alone.stderr).toBe('uringspec report: shard of 2 missing: 2/2; their scenarios would never have run');
    expect(alone.exitCode).toBe(2);
    expect(readReport(s1).corpus).toEqual(readReport(full).corpus);
    expect(readReport(s1).shard).toEqual({ index: 1, count: 2 });
    expect(readReport(s1).kernels.map((k) => k.image?.cacheKey)).toEqual(readReport(full).kernels.map((k) => k.image?.cacheKey));
    // The RFC kernel corrupts memory (stale sg_from_iter, uninitialised vec_off), so where it
    // panics depends on what ran before in that boot, which differs per shard. Compare every
    // outcome except a crash on either side; crashes may only come from the RFC kernel.
    const [mr, fr] = [readReport(merged), readReport(full)];
    const crashed = new Set([...mr.kernels, ...fr.kernels].flatMap((k) => k.results.filter((x) => x.status === 'crash').map((x) => x.id)));
    const noCrash = (r: RunReport) =>
      r.kernels.map((k) => [k.label, k.results.filter((x) => !crashed.has(x.id)).map((x) => `${x.id}:${x.status}`)]);
    expect(noCrash(mr)).toEqual(noCrash(fr));
    for (const r of [mr, fr])
      for (const k of r.kernels) if (k.profile === 'baseline') expect(k.results.filter((x) => x.status === 'crash')).toEqual([]);
    expect(crashed.size).toBeLessThan(fr.kernels[0]!.results.length / 4);
  }, 600_000);

  it('--series with one edited hunk: exit 2 naming the patch and the hunk, nothing booted, reports say why', async () => {
    const dir = tmp();
    const mbox = join(dir, 'rfc-broken.mbox');
    const text = readFileSync('series/04-provided-registered-buffers-rfc.mbox', 'utf8');
    // Patch 1/7's only context line that mentions nr_avail, edited so the hunk cannot apply.
    const broken = text.replace(
      '\t\tnr_iovs = nr_avail;\n+\t\targ->mode |= KBUF_MODE_FREE;',
      '\t\tnr_iovs = nr_avail_EDITED;\n+\t\targ->mode |= KBUF_MODE_FREE;',
    );
    expect(broken).not.toBe(text);
    writeFileSync(mbox, broken);
    const r = await cliWatchingQemu('gate', '--series', mbox, '--no-peer', '--quiet', '--out', join(dir, 'out'));
    expect(r.exitCode).toBe(2);
    expect(r.qemus).toEqual([]);
    expect(r.stderr).toMatch(/does not apply: rfc-broken\.mbox \[PATCH 1\/7\] io_uring\/kbuf: mark buf_sel_arg mode as KBUF_MODE_FREE/);
    expect(r.stderr).toMatch(/io_uring\/kbuf\.c/);
    const report = readReport(join(dir, 'out'));
    expect(report.incomplete).toBe(true);
    expect(report.incompleteReason).toMatch(/does not apply: rfc-broken\.mbox \[PATCH 1\/7\]/);
    expect(report.kernels.map((k) => [k.label, new Set(k.results.map((x) => x.status))])).toEqual([
      ['provided-registered-buffers-rfc', new Set(['lost'])],
      ['baseline', new Set(['lost'])],
    ]);
  }, 600_000);

  it("--series with the b4 am export of the RFC: the default gate's findings, the series named in every report", async () => {
    const [def, b4] = [tmp(), tmp()];
    const fixture = 'test/fixtures/b4/20241023_axboe_add_support_for_provided_registered_buffers.mbx';
    const [d, s] = [
      await cli('gate', '--no-peer', '--quiet', '--out', def),
      await cli('gate', '--series', fixture, '--no-peer', '--quiet', '--out', b4),
    ];
    expect([d.exitCode, s.exitCode]).toEqual([1, 1]);
    const corpus = allScenarios(loadSpecsOrThrow(['corpus'])).length;
    expect(s.stdout).toMatch(new RegExp(`^provided-registered-buffers-rfc \\(qemu, (tcg|kvm), model rfc-v1\\): \\d+/${corpus} pass`, 'm'));
    const named =
      'series: [PATCH RFC 0/7] Add support for provided registered buffers (v1, 7 patches, <20241023161522.1126423-1-axboe@kernel.dk>)';
    expect(s.stdout).toContain(`  ${named}`);
    expect(readFileSync(join(b4, 'summary.txt'), 'utf8')).toContain(named);
    const about =
      'baseline + [PATCH RFC 0/7] Add support for provided registered buffers (v1, 7 patches, <20241023161522.1126423-1-axboe@kernel.dk>)';
    expect(readFileSync(join(b4, 'results.ktap'), 'utf8')).toContain(`kernel=${about} model=rfc-v1`);
    expect(readFileSync(join(b4, 'junit.xml'), 'utf8')).toContain(`<property name="kernel" value="${xmlEscape(about)}"/>`);
    expect(readFileSync(join(b4, 'report.html'), 'utf8')).toContain(
      'Add support for provided registered buffers (v1, 7 patches, &lt;20241023161522.1126423-1-axboe@kernel.dk&gt;)',
    );
    expect(readReport(b4).kernels[0]!.series).toEqual([
      {
        subject: 'Add support for provided registered buffers',
        tags: 'PATCH RFC 0/7',
        version: 1,
        messageId: '20241023161522.1126423-1-axboe@kernel.dk',
        patches: 7,
        input: fixture,
      },
    ]);
    // The default gate names the same series (as archived: PATCHSET)
    expect(readReport(def).kernels[0]!.series?.[0]).toMatchObject({
      tags: 'PATCHSET RFC 0/7',
      messageId: '20241023161522.1126423-1-axboe@kernel.dk',
    });
    // Same findings. Where the RFC kernel panics depends on the slab history of the boot, so a
    // scenario that crashed in either run is compared by nothing more than that.
    const [dr, sr] = [readReport(def), readReport(b4)];
    const crashed = new Set([...dr.kernels, ...sr.kernels].flatMap((k) => k.results.filter((x) => x.status === 'crash').map((x) => x.id)));
    const findings = (r: RunReport) =>
      r.kernels.map((k) =>
        k.results
          .filter((x) => !crashed.has(x.id))
          .map((x) => `${x.id}:${x.status}:${x.diffs.map((f) => `${f.where} ${f.field} ${f.expected} ${f.got}`).join('|')}`),
      );
    expect(findings(sr)).toEqual(findings(dr));
    expect(sr.kernels[0]!.results.find((x) => x.id === 'zc-enc-index-65536')?.status).toBe('fail');
  }, 900_000);

  it('Ctrl-C: QEMU is gone, the partial report says incomplete, exit 2', async () => {
    const out = tmp();
    const child = execa('node', ['bin/uringspec.mjs', 'gate', '--no-peer', '--quiet', '--out', out], { reject: false });
    const t0 = Date.now();
    const seen = new Set<string>();
    while (seen.size === 0 && Date.now() - t0 < 120_000) {
      (await qemuOf(child.pid!)).forEach((p) => seen.add(p));
      await new Promise((r) => setTimeout(r, 100));
    }
    // (a panic ends a boot and the next QEMU starts a moment later, so presence is checked once)
    expect(seen.size, 'the gate started no QEMU within 2 minutes').toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1500));
    (await qemuOf(child.pid!)).forEach((p) => seen.add(p));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect([...seen].filter(alive)).toEqual([]);
    const report = readReport(out);
    expect(report.incomplete).toBe(true);
    expect(readFileSync(join(out, 'summary.txt'), 'utf8')).toMatch(/INCOMPLETE/);
  }, 300_000);

  it.each([
    ['to npx alone (a CI runner)', 'npx'],
    ['through timeout(1), which signals npx and its process group (two copies: one request)', 'timeout'],
  ] as const)(
    'SIGTERM %s: uringspec stops within 2 s, no QEMU left, the partial report is written',
    async (_, to) => {
      const out = tmp();
      // SIGTERM reaches npx, not its child: the launcher notices its parent is gone (bin/uringspec.mjs).
      const command = ['npx', 'uringspec', 'gate', '--no-peer', '--quiet', '--out', out];
      // timeout(1) passes a signal it receives on as it does at expiry
      const run =
        to === 'timeout'
          ? execa('timeout', ['-s', 'TERM', '600', ...command], { reject: false })
          : execa(command[0]!, command.slice(1), { reject: false });
      const gatePid = async () =>
        // the launcher as npx starts it: node <...>/bin/uringspec.mjs, or node <npx cache>/.bin/uringspec linking to it
        (await execa('pgrep', ['-f', `^node \\S*uringspec(\\.mjs)? gate --no-peer --quiet --out ${out}`], { reject: false })).stdout.trim();
      const seen = new Set<string>();
      const t0 = Date.now();
      // signalled while it runs guests (however long the machine takes to get there)
      while (seen.size === 0 && Date.now() - t0 < 120_000) {
        const pid = await gatePid();
        if (pid) for (const q of await qemuOf(Number(pid.split('\n')[0]))) seen.add(q);
        await new Promise((res) => setTimeout(res, 200));
      }
      expect(seen.size, 'the gate started no QEMU within 2 minutes').toBeGreaterThan(0);
      run.kill('SIGTERM');
      const r = await run;
      if (to === 'npx') expect(r.signal === 'SIGTERM' || r.exitCode === 143, `npx ended with ${r.signal ?? r.exitCode}`).toBe(true);
      const stopped = Date.now();
      while (!existsSync(join(out, 'report.json')) && Date.now() - stopped < 10_000) await new Promise((res) => setTimeout(res, 50));
      expect(Date.now() - stopped).toBeLessThan(2_000);
      await new Promise((res) => setTimeout(res, 500));
      expect([...seen].filter(alive)).toEqual([]);
      expect(await gatePid()).toBe('');
      const report = readReport(out);
      expect(report.incomplete).toBe(true);
    },
    180_000,
  );
});
