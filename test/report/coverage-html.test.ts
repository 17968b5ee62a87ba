// The coverage section of the reports, on a series whose coverage is known
// (test/coverage/series-repo.ts, counts chosen here): in a real browser each
// patch's diff marks its executed and unreached added lines, superseded ones
// are struck through, the patch with unreached lines is open, the per-scenario
// table names the patches each scenario ran; a hostile patch subject stays
// text. The summary line of the terminal report names the unreached run. A
// screenshot is written (looked at when this test was written).
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoverageFolder, type SeriesCoverage } from '../../src/coverage/series-coverage.ts';
import { seriesLines } from '../../src/coverage/series-lines.ts';
import { HtmlReporter } from '../../src/report/html.ts';
import { newReport, type RunReport } from '../../src/report/report.ts';
import { TerminalReporter } from '../../src/report/terminal.ts';
import { SERIES_PATCHES, seriesRepo } from '../coverage/series-repo.ts';
import { debianTool } from './consumers.ts';

const chromium = await debianTool('chromium', 'chromium');
const tmp = mkdtempSync(join(tmpdir(), 'uspec-cov-html-'));
const EVIL = '<img src=x onerror="document.body.setAttribute(\'data-pwned\',1)">';

async function coverageReport(): Promise<RunReport> {
  const patches = SERIES_PATCHES.map((p, i) => (i === 2 ? { ...p, subject: `three ${EVIL}` } : p));
  const map = await seriesLines({ tree: seriesRepo(), branch: 'HEAD', patches, series: [1, 2, 3] });
  const f = new CoverageFolder(map, 'k-coverage');
  f.add(
    's-one',
    new Map([
      [
        'a.c',
        new Map([
          [6, 2],
          [8, 0],
          [1, 1],
        ]),
      ],
    ]),
  );
  f.add(
    's-none',
    new Map([
      [
        'a.c',
        new Map([
          [6, 0],
          [8, 0],
        ]),
      ],
    ]),
  );
  const coverage: SeriesCoverage = { ...f.result(), verdictDiffs: [{ id: 's-none', plain: 'pass', coverage: 'timeout' }] };
  const report = newReport();
  report.kernels.push({ label: 'k', profile: 'rfc-v1', target: { kind: 'qemu', kernel: 'k' }, results: [], coverage });
  return report;
}

/** The rows of a rendered diff with their class: "unreached:+X3;". */
const rows = (html: string) =>
  [...html.matchAll(/<tr class="([\w-]+)"[^>]*><td class="n">[^<]*<\/td><td class="s">[^<]*<\/td><td class="t">([^<]*)<\/td><\/tr>/g)].map(
    (m) => `${m[1]}:${m[2]}`,
  );

describe('coverage in the reports', () => {
  let report: RunReport;
  beforeAll(async () => {
    report = await coverageReport();
  });

  it('the summary names the unreached lines by file:line, patch and hunk, and what differs on the coverage kernel', () => {
    const text = new TerminalReporter().render(report);
    expect(text).toContain('  series coverage: 1/2 added lines (50%), 1 unreached: a.c:8 (1/3 hunk 1) [on k-coverage]\n');
    expect(text).toContain('not instrumented (no gcov data): b.c (2 added lines), h.h (1 added lines)');
    expect(text).toContain("verdicts differ on the coverage kernel (the plain kernel's count): s-none pass -> timeout");
  });

  it.skipIf(!chromium)(
    'marks each added line in the patch diffs, in a browser',
    async () => {
      const file = join(tmp, 'coverage.html');
      writeFileSync(file, new HtmlReporter().render(report));
      const flags = ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(tmp, 'profile')}`];
      const page = (await execa(chromium!, [...flags, '--dump-dom', `file://${file}`], { timeout: 60_000 })).stdout;
      const r = rows(page);
      expect(r).toContain('executed:+X1;');
      expect(r).toContain('unreached:+X3;');
      expect(r).toContain('superseded:+X2;');
      expect(r).toContain("not-executable:+X2';");
      expect(r).toContain('not-instrumented:+B1;');
      expect(r).toContain('del:-X2;');
      // X1 ran in one scenario; X3 is the one unreached line, named in its hunk's header row
      expect(page).toMatch(/<tr class="executed" title="executed"><td class="n">6<\/td><td class="s">1<\/td>/);
      expect(page).toMatch(/hunk 1 {2}a\.c {2}@@ -3,6 \+3,9 @@[^<]*unreached: a\.c:8/);
      // the patch with an unreached line is open, the others folded
      expect([...page.matchAll(/<details class="cov-patch" id="cov-p\d"( open(?:="")?)?>/g)].map((m) => Boolean(m[1]))).toEqual([
        true,
        false,
        false,
      ]);
      expect(page).toMatch(/<tr><td>s-one<\/td><td>1<\/td><td><\/td><td><\/td><\/tr>/);
      expect(page).not.toContain('data-pwned="1"');
      expect(page).toContain('three &lt;img src=x');
      const png = join(tmp, 'coverage.png');
      await execa(chromium!, [...flags, '--window-size=1000,1400', `--screenshot=${png}`, `file://${file}`], { timeout: 60_000 });
      expect(statSync(png).size).toBeGreaterThan(10_000);
      console.log(`[coverage-html] screenshot: ${png}`);
    },
    120_000,
  );
});
