// The HTML report of a real host run opened in a real browser (headless
// Chromium from Debian): scenarios judged with the RFC model fail on this
// kernel, so the page must list them first, fold the passes, and show for a
// failing one the model's own CQEs in the expected column, spelled as the
// observed ones are. Hostile strings in the report stay text. A screenshot is
// written (and was looked at when this test was written).
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/core/paths.ts';
import { formatCqeFlags } from '../../src/model/cqe.ts';
import { predict } from '../../src/model/index.ts';
import { resToString } from '../../src/model/prediction.ts';
import { HtmlReporter } from '../../src/report/html.ts';
import type { RunReport } from '../../src/report/report.ts';
import { allScenarios, loadSpecsOrThrow, scenarioOf } from '../../src/specs/load.ts';
import { timelineColumn as column, debianTool, hostReport } from './consumers.ts';

const chromium = await debianTool('chromium', 'chromium');
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
/** Fails on this kernel under rfc-v1 (no RFC: -EOPNOTSUPP), passes, passes, no oracle. */
const FAILING = 'zc-enc-index-65536';
const IDS = [FAILING, 'defer-zc', 'ring-wrap-send', 'ring-wrap-zc'];
const tmp = mkdtempSync(join(tmpdir(), 'uspec-html-'));
const flags = [...CHROMIUM_FLAGS, `--user-data-dir=${join(tmp, 'profile')}`];

async function dom(report: RunReport, name: string): Promise<{ file: string; dom: string }> {
  const file = join(tmp, `${name}.html`);
  writeFileSync(file, new HtmlReporter().render(report));
  const r = await execa(chromium!, [...flags, '--dump-dom', `file://${file}`], { timeout: 60_000 });
  return { file, dom: r.stdout };
}

describe.skipIf(!chromium)('HTML report in a browser', () => {
  let report: RunReport;
  beforeAll(async () => {
    report = await hostReport(IDS);
  }, 180_000);

  it("shows the model's CQEs next to the observed ones for a failing scenario, failures first, passes folded", async () => {
    const statuses = Object.fromEntries(report.kernels[0]!.results.map((r) => [r.id, r.status]));
    expect(statuses).toEqual({ [FAILING]: 'fail', 'defer-zc': 'pass', 'ring-wrap-send': 'pass', 'ring-wrap-zc': 'fail' });
    const { file, dom: page } = await dom(report, 'report');

    // The expected column is the model's prediction, spelled by resToString and formatCqeFlags.
    const sc = scenarioOf(allScenarios(loadSpecsOrThrow([CORPUS_DIR])).find((r) => scenarioOf(r).id === FAILING)!);
    const p = predict(sc, 'rfc-v1');
    if (p.kind !== 'prediction') throw new Error(`no prediction for ${FAILING}`);
    const model = p.requests.flatMap((q) => q.cqes.map((c) => `ud=${q.userData} res=${resToString(c.res)} ${formatCqeFlags(c.flags)}`));
    expect(model.length).toBeGreaterThan(0);
    expect(column(page, FAILING, 'expected')).toEqual(model);
    const observed = report.kernels[0]!.results.find((r) => r.id === FAILING)!.cqes;
    expect(column(page, FAILING, 'observed')).toEqual(observed.map((c) => `ud=${c.userData} res=${c.res} ${formatCqeFlags(c.flags)}`));
    expect(page).not.toContain('no prediction');

    // Failures first (both failing ones in the first table), passes inside a closed <details>.
    const firstTable = page.match(/<table class="not-passed">([\s\S]*?)<\/table>/)?.[1] ?? '';
    expect([...firstTable.matchAll(/<tr class="(\w[\w-]*)">/g)].map((m) => m[1])).toEqual(['fail', 'fail']);
    const folded = page.match(/<details class="passed">([\s\S]*?)<\/details>/)?.[1] ?? '';
    expect(folded).toContain('<summary>2 passed</summary>');
    expect(folded).toContain('defer-zc');
    expect(page).not.toMatch(/<details class="passed" open/);

    const png = join(tmp, 'shot.png');
    await execa(chromium!, [...flags, '--window-size=1000,1600', `--screenshot=${png}`, `file://${file}`], { timeout: 60_000 });
    expect(statSync(png).size).toBeGreaterThan(10_000);
  }, 180_000);

  it('hostile titles, summaries, console text and labels stay text', async () => {
    const evil = '<img src=x onerror="document.body.setAttribute(\'data-pwned\',1)"><script>document.title="pwned"</script>';
    const r = structuredClone(report);
    const k = r.kernels[0]!;
    k.label = `${evil}"'`;
    for (const x of k.results) Object.assign(x, { title: evil, summary: evil, consoleTail: `${evil}\n]]>`, reproduce: evil });
    k.results[0]!.diffs = [{ where: evil, field: evil, expected: evil, got: evil }];
    const { dom: page } = await dom(r, 'hostile');
    expect(page).not.toContain('data-pwned="1"');
    expect(page).not.toMatch(/<title>pwned/);
    expect(page).not.toMatch(/<img /);
    expect(page).toContain('&lt;script&gt;document.title="pwned"&lt;/script&gt;');
  }, 120_000);
});
