// The HTML report opened in a real browser (headless Chromium from Debian):
// the page parses, the failing scenario's timeline SVG is in the rendered DOM,
// and a screenshot is produced.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/report.ts';
import { HtmlReporter } from '../../src/report/html.ts';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const report: RunReport = {
  tool: 'uringspec',
  version: '0.1.0',
  startedAt: '2026-11-26T10:00:00.000Z',
  durationMs: 1200,
  incomplete: false,
  kernels: [
    {
      label: 'sendzc-provided-rfc',
      profile: 'rfc-v1',
      target: { kind: 'qemu', kernel: 'sendzc-provided-rfc', accel: 'tcg' },
      results: [
        {
          id: 'zc-enc-index-65536',
          title: 'index 65536 must not alias index 0',
          file: 'corpus/zc-addr-encoding.yaml',
          line: 12,
          tags: [],
          status: 'fail',
          summary: 'cqe 1 res differs',
          diffs: [{ where: 'cqe 1 of user_data 1', field: 'res', expected: '-14', got: '10', rule: 'rfc.regbuf-index' }],
          pinConflicts: [],
          durationMs: 22,
          cqes: [
            { step: 2, userData: '1', res: 10, flags: 3 },
            { step: 2, userData: '1', res: 0, flags: 8 },
          ],
          expected: [
            { userData: '1', res: '-14', flags: 'MORE' },
            { userData: '1', res: '0', flags: 'NOTIF' },
          ],
          kernelSplats: [],
          consoleTail: 'console line <with> markup',
          reproduce: 'npx uringspec repro corpus/zc-addr-encoding.yaml --scenario zc-enc-index-65536 --kernel sendzc-provided-rfc',
        },
      ],
    },
  ],
};

describe('HTML report in a browser', () => {
  it('renders the timeline SVG and the reproduce command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uspec-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, new HtmlReporter().render(report));
    const flags = [...CHROMIUM_FLAGS, `--user-data-dir=${join(dir, 'profile')}`];
    const dom = await execa('chromium', [...flags, '--dump-dom', `file://${file}`], { timeout: 60_000 });
    expect(dom.stdout).toMatch(/<svg[^>]*aria-label="CQE timeline of zc-enc-index-65536"/);
    expect((dom.stdout.match(/<rect /g) ?? []).length).toBe(4);
    expect(dom.stdout).toContain('ud=1 res=10 BUFFER|MORE bid=0');
    expect(dom.stdout).toContain('console line &lt;with&gt; markup');
    expect(dom.stdout).toContain('npx uringspec repro corpus/zc-addr-encoding.yaml');
    const png = join(dir, 'shot.png');
    await execa('chromium', [...flags, '--window-size=1000,800', `--screenshot=${png}`, `file://${file}`], { timeout: 60_000 });
    expect(statSync(png).size).toBeGreaterThan(10_000);
  }, 120_000);
});
