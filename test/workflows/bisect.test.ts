// Bisection over the RFC's seven patches, run for real on this machine's
// kernel standing in for each prefix (it has no provided buffers for send
// zc, like every prefix before 7/7: it answers -EOPNOTSUPP), against the
// full series' result the RFC kernel gives (docs/findings-rfc.md: index
// 65536 sends 10 bytes from buffer 0). The prefixes are "built" by a stand-in
// so a prefix that does not build is tested without a kernel build. The
// reply is checked with git's own mail parser (git mailinfo) and Python's
// RFC 5322 one, and must quote 6/7's io_ubuf_from_buf, where the u16
// truncation is.
import { execa } from 'execa';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostTarget } from '../../src/exec/host-target.ts';
import type { ScenarioResult } from '../../src/judge/result.ts';
import { BuildError } from '../../src/kernel/build-error.ts';
import { findRecipe } from '../../src/kernel/recipe.ts';
import { allScenarios, loadSpecsOrThrow, scenarioOf } from '../../src/specs/load.ts';
import { bisectSeries } from '../../src/workflows/bisect.ts';
import { writeReplies } from '../../src/workflows/reply.ts';
import { runScenarios } from '../../src/workflows/run.ts';
import { modelOracle } from '../../src/judge/oracle.ts';

const recipe = (await findRecipe('sendzc-provided-rfc'))!;
const refs = allScenarios(loadSpecsOrThrow(['corpus'])).filter((r) =>
  ['zc-enc-index-65536', 'zc-enc-index-past-table'].includes(scenarioOf(r).id),
);
const T = 60_000;

/** What the host answers for these scenarios, judged by the RFC's model. */
async function onHost(): Promise<ScenarioResult[]> {
  const run = await runScenarios({
    refs,
    target: new HostTarget(),
    oracle: await modelOracle('rfc-v1'),
    label: 'host',
    reproduce: () => '',
  });
  return run.results;
}

/** The full series' result: the host's judged result with the answer the RFC kernel gives at the first difference. */
function asOnTheRfc(r: ScenarioResult): ScenarioResult {
  if (r.id !== 'zc-enc-index-65536') return { ...r, status: 'pass', diffs: [], summary: 'pass' };
  return { ...r, diffs: [{ ...r.diffs[0]!, got: '10' }, ...r.diffs.slice(1)] };
}

/** The RFC bisected on this machine's kernel, every prefix "built" by `build`. */
const bisectOnHost = (full: ScenarioResult[], build: NonNullable<Parameters<typeof bisectSeries>[0]['build']>) =>
  bisectSeries({
    recipe,
    profile: 'rfc-v1',
    refs,
    full,
    accel: 'tcg',
    progress: () => {},
    build,
    open: async () => new HostTarget(),
    tree: { tree: '/nonexistent', branch: 'none' },
  });

describe('bisect over the series', () => {
  it(
    'names 7/7 as the patch it appears with, 6/7 as the code at fault; a prefix that does not build is named and skipped',
    async () => {
      const full = (await onHost()).map(asOnTheRfc);
      const built: string[] = [];
      const out = await bisectOnHost(full, async (r) => {
        built.push(r.name);
        if (r.name === 'sendzc-provided-rfc-3of7') throw new BuildError('make failed: io_uring/net.c:1234:5: error: implicit declaration');
        return { vmlinux: '/nonexistent', cacheHit: true, seconds: 0 };
      });
      // Prefixes 0..6 are built (7 is the full series, already run); only the failing scenario runs on them.
      expect(built).toEqual([0, 1, 2, 3, 4, 5, 6].map((k) => `sendzc-provided-rfc-${k}of7`));
      expect(out.report.prefixes.map((p) => [p.index, p.status, p.reason ?? ''])).toEqual([
        [0, 'ran', ''],
        [1, 'ran', ''],
        [2, 'ran', ''],
        [3, 'skipped', 'does not build: make failed: io_uring/net.c:1234:5: error: implicit declaration'],
        [4, 'ran', ''],
        [5, 'ran', ''],
        [6, 'ran', ''],
      ]);
      expect(out.report.findings.map((f) => f.id)).toEqual(['zc-enc-index-65536']);
      const f = out.findings[0]!;
      expect(f.bisect.steps.map((s) => s.outcome)).toEqual(['other', 'other', 'other', 'skipped', 'other', 'other', 'other', 'same']);
      expect(f.bisect.steps[0]!.detail).toMatch(/res: expected -14, got -95 \(-EOPNOTSUPP\) \[rfc\.regbuf-index\]$/);
      expect(f.bisect.verdict).toBe('introduced');
      expect(f.bisect.patch?.index).toBe(7);
      expect(f.bisect.blame).toMatchObject({ patch: { index: 6, tags: 'PATCH 6/7' }, file: 'io_uring/kbuf.c' });
      expect(f.bisect.text).toMatch(
        /^introduced by \[PATCH 6\/7\] io_uring\/kbuf: add support for mapping type KBUF_MODE_BVEC <20241023161522\.1126423-7-axboe@kernel\.dk>; first fails with \[PATCH 7\/7\]/,
      );

      // The reply: a real mail parser reads back the subject; In-Reply-To and References name 6/7; it quotes 6/7's hunk.
      const dir = mkdtempSync(join(tmpdir(), 'uspec-bisect-'));
      const files = await writeReplies({ findings: out.findings, bisect: out.report, recipe, dir, reportDir: dir });
      expect(files).toEqual([join(dir, 'zc-enc-index-65536.txt')]);
      expect(f.bisect.mail).toBe('zc-enc-index-65536.txt');
      const mail = readFileSync(files[0]!, 'utf8');
      const info = await execa('git', ['mailinfo', '-k', join(dir, 'msg'), join(dir, 'patch')], { input: mail });
      expect(info.stdout).toContain('Subject: Re: [PATCH 6/7] io_uring/kbuf: add support for mapping type KBUF_MODE_BVEC');
      const py = await execa(
        'python3',
        [
          '-c',
          'import email,sys,json; m=email.message_from_string(sys.stdin.read()); print(json.dumps({k: m[k] for k in ["Subject","In-Reply-To","References","To","Cc"]}))',
        ],
        { input: mail },
      );
      const h = JSON.parse(py.stdout) as Record<string, string>;
      expect(h['In-Reply-To']).toBe('<20241023161522.1126423-7-axboe@kernel.dk>');
      expect(h.References!.split(/\s+/)).toEqual([
        '<20241023161522.1126423-1-axboe@kernel.dk>',
        '<20241023161522.1126423-7-axboe@kernel.dk>',
      ]);
      expect(h.To).toBe('Jens Axboe <axboe@kernel.dk>');
      expect(h.Cc).toBe('io-uring@vger.kernel.org');
      const body = mail.slice(mail.indexOf('\n\n') + 2);
      const quoted = body.split('\n').filter((l) => l.startsWith('> '));
      expect(quoted.slice(0, 3)).toEqual(['> --- a/io_uring/kbuf.c', '> +++ b/io_uring/kbuf.c', `> ${f.quote!.hunk.header}`]);
      expect(quoted).toContain('> +\tu16 idx;');
      expect(f.quote!.patch.index).toBe(6);
      // The words the reply writes itself fit 72 columns; the quote and the reproducer are code, verbatim.
      const c = body.slice(body.indexOf('/* SPDX-License-Identifier'));
      const prose = body
        .slice(0, body.indexOf('/* SPDX-License-Identifier'))
        .split('\n')
        .filter((l) => !l.startsWith('> '));
      for (const l of prose) expect(l.length, l).toBeLessThanOrEqual(72);
      expect(c).toContain('int main(');
      expect(body).toMatch(/^Why: an index past the registered table fails with -EFAULT/m);
      expect(body).toMatch(/^ {2}0-2\/7: fails another way: cqe 1 of user_data/m);
      expect(body).toMatch(/^ {2}4-6\/7: fails another way: cqe 1 of user_data/m);
      expect(body).toMatch(/^ {2}7\/7 \(the full series\): fails this way$/m);
      expect(body).toMatch(/^ {2}3\/7: skipped: does not build: make failed/m);
    },
    T,
  );

  it(
    'a scenario that passes on the full series: nothing to bisect, nothing built',
    async () => {
      const full = (await onHost()).map((r) => ({ ...r, status: 'pass' as const, diffs: [], summary: 'pass' }));
      const out = await bisectOnHost(full, () => {
        throw new Error('nothing should be built');
      });
      expect(out.findings).toEqual([]);
      expect(out.report.prefixes).toEqual([]);
    },
    T,
  );
});
