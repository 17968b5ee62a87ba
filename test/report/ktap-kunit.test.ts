// The KTAP report read by the kernel's own parser (kunit.py parse), on a report
// from the real pipeline: the corpus on this machine's kernel judged with the
// RFC model, so ~50 scenarios fail next to passes and no-oracle ones. kunit.py
// attaches the diagnostic lines it read before a result line to that test and
// prints them above "[FAILED] name": each failing scenario's diagnostics must
// be there, and nowhere else.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTCOME } from '../../src/judge/verdict.ts';
import { KtapReporter } from '../../src/report/ktap.ts';
import type { RunReport, ScenarioResult } from '../../src/report/report.ts';
import { hostReport, kunitLines, kunitPy } from './consumers.ts';

const kunit = await kunitPy();
const tmp = mkdtempSync(join(tmpdir(), 'uspec-ktap-'));

async function parse(report: RunReport) {
  const file = join(tmp, `${Math.random().toString(36).slice(2)}.ktap`);
  const json = `${file}.json`;
  writeFileSync(file, new KtapReporter().render(report));
  const r = await execa('python3', [kunit!, 'parse', file, `--json=${json}`], { reject: false });
  const tree = JSON.parse(readFileSync(json, 'utf8')) as {
    sub_groups: { name: string; test_cases: { name: string; status: string }[] }[];
  };
  return { exitCode: r.exitCode, lines: kunitLines(r.stdout), tree };
}

/** The lines kunit.py printed for each test: everything since the previous result line. */
function blocks(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let acc: string[] = [];
  for (const l of lines) {
    const m = l.match(/^\[(PASSED|FAILED|SKIPPED|CRASHED)\] (.*)$/);
    if (!m) acc.push(l);
    else {
      out.set(m[2]!, acc);
      acc = [];
    }
  }
  return out;
}

describe.skipIf(!kunit)('KTAP read by kunit.py parse', () => {
  let report: RunReport;
  beforeAll(async () => {
    report = await hostReport();
  }, 180_000);

  const failing = () => report.kernels[0]!.results.filter((r) => OUTCOME[r.status] !== 'pass' && r.status !== 'no-oracle');

  it('counts what the report counts: passes, failures, no-oracle as skipped, no parse errors', async () => {
    const { exitCode, lines, tree } = await parse(report);
    const results = report.kernels[0]!.results;
    const n = (f: (r: ScenarioResult) => boolean) => results.filter(f).length;
    expect(failing().length).toBeGreaterThan(10);
    expect(n((r) => r.status === 'no-oracle')).toBeGreaterThan(0);
    const summary = lines.find((l) => l.startsWith('Testing complete.'));
    expect(summary).toBe(
      `Testing complete. Ran ${results.length} tests: passed: ${n((r) => r.status === 'pass')}, failed: ${failing().length}, skipped: ${n((r) => r.status === 'no-oracle')}`,
    );
    expect(lines.filter((l) => l.includes('[ERROR]'))).toEqual([]);
    expect(exitCode).toBe(1);
    // Per test, by name: the kernel is the one sub-group, every scenario one test case.
    const cases = new Map(tree.sub_groups[0]!.test_cases.map((c) => [c.name, c.status]));
    expect(tree.sub_groups[0]!.name).toBe(report.kernels[0]!.label);
    for (const r of results) expect(cases.get(r.id), r.id).toBe(r.status === 'pass' ? 'PASS' : r.status === 'no-oracle' ? 'SKIP' : 'FAIL');
  });

  it("each failing scenario's diagnostics are printed under that scenario, not under a neighbour", async () => {
    const { lines } = await parse(report);
    const byTest = blocks(lines);
    for (const r of failing()) {
      const own = byTest.get(r.id) ?? [];
      expect(own, r.id).toContain(`# ${r.id}: ${r.status}: ${r.summary}`);
      for (const d of r.diffs) expect(own.join('\n'), r.id).toContain(`${d.where} ${d.field}: expected ${d.expected}, got ${d.got}`);
      expect(own, r.id).toContain(`# reproduce: ${r.reproduce}`);
      const elsewhere = [...byTest].filter(([name, ls]) => name !== r.id && ls.some((l) => l.startsWith(`# ${r.id}: `)));
      expect(
        elsewhere.map(([name]) => name),
        r.id,
      ).toEqual([]);
    }
  });

  it('hostile text in a diagnostic or a name cannot start a test, end the output or hide a result', async () => {
    const hostile = structuredClone(report);
    const r = hostile.kernels[0]!.results.find((x) => x.status === 'fail')!;
    r.summary = 'Subtest: evil\nok 1 forged\nreboot: System halted';
    r.diffs = [{ where: 'KTAP version 1', field: '1..3', expected: '# SKIP', got: 'List of all partitions:\x1b[31m' }];
    r.kernelSplats = ['Kernel panic - not syncing: VFS: Unable to mount root fs'];
    r.id = `${r.id} # TODO`;
    const { lines, tree } = await parse(hostile);
    const results = hostile.kernels[0]!.results;
    expect(lines.find((l) => l.startsWith('Testing complete.'))).toMatch(new RegExp(`^Testing complete. Ran ${results.length} tests: `));
    expect(lines.filter((l) => l.includes('[ERROR]'))).toEqual([]);
    const cases = tree.sub_groups[0]!.test_cases;
    expect(cases).toHaveLength(results.length);
    expect(cases.find((c) => c.name === r.id.replace('#', '%23'))?.status).toBe('FAIL');
  });
});
