// The bisection in every format, read by each format's consumer: KTAP by the
// kernel's kunit.py (the "introduced by" line is a diagnostic of its test and
// breaks nothing), JUnit by schema/junit.xsd (in the failure's text), JSON as
// written (docs/report-json.md), HTML escaped, the terminal under the finding.
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BisectReport, PatchRef } from '../../src/judge/bisect.ts';
import { HtmlReporter } from '../../src/report/html.ts';
import { JsonReporter } from '../../src/report/json.ts';
import { JunitReporter } from '../../src/report/junit.ts';
import { KtapReporter } from '../../src/report/ktap.ts';
import { mergeReports } from '../../src/report/merge.ts';
import type { RunReport } from '../../src/report/report.ts';
import { TerminalReporter } from '../../src/report/terminal.ts';
import { debianTool, hostReport, kunitLines, kunitPy } from './consumers.ts';

const patch = (i: number): PatchRef => ({
  index: i,
  total: 7,
  tags: `PATCH ${i}/7`,
  subject: `subject <${i}> & co`,
  messageId: `id-${i}@x`,
});
const TEXT =
  'introduced by [PATCH 6/7] subject <6> & co <id-6@x>; first fails with [PATCH 7/7] subject <7> & co <id-7@x>, which makes it reachable';

/** A real host report of two RFC scenarios (judged by rfc-v1 they fail there) with a bisection of the first. */
async function withBisect(): Promise<RunReport> {
  const report = await hostReport(['zc-enc-index-65536', 'zc-enc-index-past-table']);
  const k = report.kernels[0]!;
  const bisect: BisectReport = {
    series: {
      subject: 'Add support for provided registered buffers',
      version: 1,
      messageId: 'id-1@x',
      patches: [1, 2, 3, 4, 5, 6, 7].map(patch),
    },
    kernel: k.label,
    profile: 'rfc-v1',
    prefixes: [0, 1, 2, 3, 4, 5, 6].map((index) =>
      index === 3
        ? { index, label: `p${index}`, status: 'skipped', reason: 'does not build: error' }
        : { index, label: `p${index}`, status: 'ran' },
    ),
    findings: [
      {
        id: 'zc-enc-index-65536',
        file: k.results[0]!.file,
        line: k.results[0]!.line,
        signature: 'fail:x=10',
        verdict: 'introduced',
        patch: patch(7),
        blame: { patch: patch(6), file: 'io_uring/kbuf.c', hunk: '@@ -117,20 +118,135 @@', how: 'the model rule cites it' },
        steps: [],
        text: TEXT,
        mail: 'mail/zc-enc-index-65536.txt',
      },
    ],
  };
  return { ...report, bisect };
}

const py = await kunitPy();
const xmllint = await debianTool('xmllint', 'libxml2-utils');

describe('the bisection in every report format', () => {
  it('terminal, KTAP, JUnit, JSON and HTML name the patch under the finding, and only there', async () => {
    const report = await withBisect();
    const term = new TerminalReporter().render(report);
    expect(term).toContain(`            > ${TEXT} (reply: mail/zc-enc-index-65536.txt)`);
    expect(term.match(/introduced by/g)).toHaveLength(1);
    expect(term).toMatch(
      /^bisect: "Add support for provided registered buffers" v1, 7 patches, judged by model rfc-v1; prefixes 0,1,2,4,5,6 ran; prefix 3 skipped \(does not build: error\); 1 finding\(s\): 1 from 6\/7$/m,
    );

    const ktap = new KtapReporter().render(report).split('\n');
    const at = ktap.findIndex((l) => / zc-enc-index-65536$/.test(l));
    expect(ktap.slice(0, at)).toContain(`  # bisect: ${TEXT}`);

    const junit = new JunitReporter().render(report);
    expect(junit).toContain(`bisect: ${TEXT.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`);

    const json = JSON.parse(new JsonReporter().render(report)) as RunReport;
    expect(json.bisect?.findings[0]?.blame?.patch.messageId).toBe('id-6@x');

    const html = new HtmlReporter().render(report);
    expect(html).toContain(`<p class="bisect">${TEXT.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`);
    expect(html).not.toContain('<6>');
  }, 60_000);

  it.skipIf(!py)(
    'kunit.py parses the KTAP with bisection diagnostics into the same tests',
    async () => {
      const report = await withBisect();
      const dir = mkdtempSync(join(tmpdir(), 'uspec-bisect-ktap-'));
      const parse = async (r: RunReport) => {
        const f = join(dir, `${Math.random()}.ktap`);
        writeFileSync(f, new KtapReporter().render(r));
        return kunitLines((await execa('python3', [py!, 'parse', f], { reject: false })).stdout).filter((l) =>
          /\[(PASSED|FAILED|SKIPPED|CRASHED)\]/.test(l),
        );
      };
      const withLines = await parse(report);
      expect(withLines).toContain('[FAILED] zc-enc-index-65536');
      const { bisect: _, ...without } = report;
      expect(withLines).toEqual(await parse(without));
    },
    60_000,
  );

  it.skipIf(!xmllint)(
    'the JUnit report with bisection lines is valid against schema/junit.xsd',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'uspec-bisect-junit-'));
      const f = join(dir, 'junit.xml');
      writeFileSync(f, new JunitReporter().render(await withBisect()));
      const r = await execa(xmllint!, ['--noout', '--schema', resolve('schema/junit.xsd'), f], { reject: false });
      expect(r.stderr).toContain('validates');
    },
    60_000,
  );

  it("report merge keeps every shard's findings", async () => {
    // Two shards of the two-scenario run, each with the bisection of its own finding.
    const whole = await withBisect();
    const shard = (index: number): RunReport => {
      const r = structuredClone(whole);
      r.shard = { index, count: 2 };
      for (const k of r.kernels) k.results = [k.results[index - 1]!];
      return r;
    };
    const [a, b] = [shard(1), shard(2)];
    b.bisect!.findings[0]!.id = 'zc-enc-index-past-table';
    expect(mergeReports([a, b]).bisect?.findings.map((f) => f.id)).toEqual(['zc-enc-index-65536', 'zc-enc-index-past-table']);
  }, 60_000);
});
