import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, type RunReport } from '../../src/report/report.ts';
import { type ScenarioResult } from '../../src/judge/result.ts';
import { HtmlReporter } from '../../src/report/html.ts';
import { JsonReporter } from '../../src/report/json.ts';
import { JunitReporter } from '../../src/report/junit.ts';
import { KtapReporter } from '../../src/report/ktap.ts';
import { TerminalReporter } from '../../src/report/terminal.ts';

const result = (id: string, status: ScenarioResult['status'], extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  id,
  title: `title of ${id} <&>`,
  file: 'corpus/x.yaml',
  line: 3,
  tags: [],
  status,
  summary: status === 'pass' ? 'agrees with the model' : 'cqe #0 (user_data 1) res differs',
  diffs: status === 'fail' ? [{ where: 'cqe #0 (user_data 1)', field: 'res', expected: '100', got: '-14', rule: 'zc.result' }] : [],
  pinConflicts: [],
  durationMs: 4.5,
  cqes: [{ step: 2, userData: '1', res: status === 'pass' ? 100 : -14, flags: 2 }],
  expected: [{ userData: '1', res: '100', flags: 'MORE' }],
  kernelSplats: status === 'crash' ? ['BUG: kernel NULL pointer dereference, address: 0000000000000008'] : [],
  reproduce: `npx uringspec run corpus/x.yaml --scenario ${id}`,
  ...extra,
});

const report: RunReport = {
  tool: 'uringspec',
  version: '0.1.0',
  startedAt: '2026-11-26T10:00:00.000Z',
  durationMs: 1500,
  incomplete: false,
  kernels: [
    {
      label: 'sendzc-provided-rfc',
      profile: 'rfc-v1',
      target: { kind: 'qemu', kernel: '6.12.8', accel: 'tcg' },
      results: [result('a', 'pass'), result('b', 'fail'), result('c', 'crash', { consoleTail: 'Kernel panic - not syncing' })],
    },
    { label: 'baseline', profile: 'baseline', target: { kind: 'qemu', kernel: '6.12.8', accel: 'tcg' }, results: [result('a', 'pass')] },
  ],
};

describe('reporters', () => {
  it('KTAP: version line, a subtest per kernel, a test line per scenario, diagnostics', () => {
    const k = new KtapReporter().render(report).split('\n');
    expect(k[0]).toBe('KTAP version 1');
    expect(k[1]).toBe('1..2');
    expect(k).toContain('    # Subtest: sendzc-provided-rfc');
    expect(k).toContain('    1..3');
    expect(k).toContain('    ok 1 a');
    expect(k).toContain('    not ok 2 b # FAIL');
    expect(k).toContain('    # cqe #0 (user_data 1) res: expected 100, got -14 [zc.rule]'.replace('zc.rule', 'zc.result'));
    expect(k).toContain('not ok 1 sendzc-provided-rfc');
    expect(k).toContain('ok 2 baseline');
  });

  it('JUnit: valid XML, a testcase per scenario, failure vs error', () => {
    const xml = new JunitReporter().render(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suites = doc.testsuites.testsuite;
    expect(suites).toHaveLength(2);
    expect(suites[0].testcase).toHaveLength(3);
    expect(suites[0].testcase[1].failure['@_message']).toBe('cqe #0 (user_data 1) res differs');
    expect(suites[0].testcase[2].error['@_type']).toBe('crash');
    expect(doc.testsuites['@_tests']).toBe('4');
    expect(doc.testsuites['@_failures']).toBe('1');
    expect(doc.testsuites['@_errors']).toBe('1');
  });

  it('JSON: round-trips the report', () => {
    expect(JSON.parse(new JsonReporter().render(report))).toEqual(report);
  });

  it('terminal: one line per kernel, failing scenarios with their diffs, closing count', () => {
    const t = new TerminalReporter().render(report);
    expect(t).toContain('sendzc-provided-rfc (qemu, tcg, model rfc-v1): 1/3 pass, 1 fail, 1 crash');
    expect(t).toContain('- cqe #0 (user_data 1) res: expected 100, got -14 [zc.result]');
    expect(t.trim().split('\n').at(-1)).toBe('2 passed, 2 failed');
  });

  it('HTML: escapes text and draws expected vs observed for failures', () => {
    const h = new HtmlReporter().render(report);
    expect(h).toContain('title of a &lt;&amp;&gt;');
    expect(h).toContain('<svg');
    expect(h).toContain('ud=1 res=-14 MORE');
    expect(h).toContain('Kernel panic - not syncing');
    expect(h).not.toContain('<&>');
  });

  it('exit codes: 0 all pass, 1 any failure, 2 incomplete', () => {
    expect(exitCodeOf(report)).toBe(1);
    expect(exitCodeOf({ ...report, kernels: [report.kernels[1]!] })).toBe(0);
    expect(exitCodeOf({ ...report, incomplete: true })).toBe(2);
  });
});
