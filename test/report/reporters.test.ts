import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { bisectOf, describeSeries, exitCodeOf, newReport, type RunReport } from '../../src/report/report.ts';
import { type ScenarioResult } from '../../src/judge/result.ts';
import { HtmlReporter } from '../../src/report/html.ts';
import { JsonReporter } from '../../src/report/json.ts';
import { JunitReporter } from '../../src/report/junit.ts';
import { KtapReporter } from '../../src/report/ktap.ts';
import { closingLine, TerminalReporter } from '../../src/report/terminal.ts';

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
  expected: [{ step: 1, userData: '1', res: '100', flags: 'MORE', observed: 0, agrees: status === 'pass' }],
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
  it('KTAP: version line, a subtest per kernel, two-space indentation, diagnostics before the result line', () => {
    const k = new KtapReporter().render(report).split('\n');
    expect(k[0]).toBe('KTAP version 1');
    expect(k[1]).toBe('1..2');
    expect(k).toContain('  # Subtest: sendzc-provided-rfc');
    expect(k).toContain('  1..3');
    expect(k).toContain('  ok 1 a');
    const fail = k.indexOf('  not ok 2 b');
    expect(fail).toBeGreaterThan(0);
    expect(k.slice(k.indexOf('  ok 1 a') + 1, fail)).toEqual([
      '  # b: fail: cqe #0 (user_data 1) res differs',
      '  # cqe #0 (user_data 1) res: expected 100, got -14 [zc.result]',
      '  # corpus/x.yaml:3',
      '  # reproduce: npx uringspec run corpus/x.yaml --scenario b',
    ]);
    // crash is no KTAP directive: a plain failure, its splat before it.
    expect(k).toContain('  not ok 3 c');
    expect(k.slice(fail + 1, k.indexOf('  not ok 3 c'))).toContain(
      '  # kernel: BUG: kernel NULL pointer dereference, address: 0000000000000008',
    );
    expect(k).toContain('not ok 1 sendzc-provided-rfc');
    expect(k).toContain('ok 2 baseline');
  });

  it('KTAP: each status as ktap.rst allows (SKIP, TIMEOUT, ERROR are the only directives used)', () => {
    const one = (status: ScenarioResult['status'], summary: string) =>
      new KtapReporter()
        .render({ ...report, kernels: [{ ...report.kernels[1]!, results: [result('x', status, { summary })] }] })
        .split('\n')
        .filter((l) => /^\s*(not )?ok /.test(l));
    expect(one('pass', '')).toEqual(['  ok 1 x', 'ok 1 baseline']);
    expect(one('no-oracle', 'no oracle: why')).toEqual(['  ok 1 x # SKIP no oracle: why', 'ok 1 baseline']);
    expect(one('fail', 'differs')).toEqual(['  not ok 1 x', 'not ok 1 baseline']);
    expect(one('crash', 'the kernel crashed')).toEqual(['  not ok 1 x', 'not ok 1 baseline']);
    expect(one('timeout', 'no result within 5000 ms')).toEqual(['  not ok 1 x # TIMEOUT no result within 5000 ms', 'not ok 1 baseline']);
    expect(one('error', 'program error')).toEqual(['  not ok 1 x # ERROR program error', 'not ok 1 baseline']);
    expect(one('lost', 'QEMU was killed')).toEqual(['  not ok 1 x # ERROR lost: QEMU was killed', 'not ok 1 baseline']);
  });

  it('KTAP: liburing tests after the scenarios; a failing one fails its kernel, a regression is said before the kernel line', () => {
    const peer = (test: string, status: 'pass' | 'skip' | 'fail') => ({
      test,
      status,
      exitCode: 0,
      durationMs: 1,
      kernelSplats: [],
      tail: 'last line',
    });
    const k = new KtapReporter()
      .render({
        ...report,
        regressions: ['c'],
        kernels: [
          { ...report.kernels[0]!, results: [result('a', 'pass')], peer: [peer('b', 'skip'), peer('c', 'fail')] },
          { ...report.kernels[1]!, peer: [peer('b', 'pass'), peer('c', 'fail')] },
        ],
      })
      .split('\n');
    expect(k).toContain('  1..3');
    expect(k).toContain('  ok 2 liburing:b # SKIP exit 77');
    expect(k.slice(k.indexOf('  ok 2 liburing:b # SKIP exit 77') + 1, k.indexOf('  not ok 3 liburing:c'))).toEqual([
      '  # liburing:c: fail (exit 0), a regression: it passes on the baseline',
      '  # last line',
    ]);
    expect(k.slice(k.indexOf('  not ok 3 liburing:c') + 1, k.indexOf('not ok 1 sendzc-provided-rfc'))).toEqual([
      '# regressions against the baseline: c',
    ]);
    expect(k).toContain('not ok 2 baseline');
  });

  it('JUnit: valid XML, a testcase per scenario; fail and crash are failures, no-oracle skipped, infrastructure errors', () => {
    const withMore: RunReport = {
      ...report,
      kernels: [
        {
          ...report.kernels[0]!,
          results: [...report.kernels[0]!.results, result('d', 'no-oracle', { summary: 'no oracle: why' }), result('e', 'lost')],
        },
      ],
    };
    const xml = new JunitReporter().render(withMore);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases).toHaveLength(5);
    expect(cases[0]['@_classname']).toBe('sendzc-provided-rfc.x');
    expect(cases[1].failure['@_message']).toBe('cqe #0 (user_data 1) res differs');
    expect(cases[2].failure['@_type']).toBe('crash');
    expect(cases[3].skipped['@_message']).toBe('no oracle: why');
    expect(cases[4].error['@_type']).toBe('lost');
    expect(doc.testsuites).toMatchObject({ '@_tests': '5', '@_failures': '2', '@_errors': '1', '@_skipped': '1' });
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

  it('terminal: the closing line never calls no-oracle or infrastructure "failed"', () => {
    const k = report.kernels[1]!;
    const line = (results: ScenarioResult[], extra: Partial<RunReport> = {}) =>
      closingLine({ ...report, ...extra, kernels: [{ ...k, results }] });
    expect(line([result('a', 'pass'), result('b', 'no-oracle')])).toBe('1 passed, 0 failed, 1 no-oracle');
    expect(line([result('a', 'timeout'), result('b', 'error'), result('c', 'lost')])).toBe('0 passed, 1 failed, 1 error, 1 lost');
    expect(line([result('a', 'pass')], { regressions: ['send_recv'], incomplete: true })).toBe(
      '1 passed, 0 failed, 1 regression(s) (incomplete)',
    );
  });

  // The timeline's expected column against the model's prediction: html-model.test.ts (a real run).
  it('HTML: escapes text and draws a timeline for failures', () => {
    const h = new HtmlReporter().render(report);
    expect(h).toContain('title of a &lt;&amp;&gt;');
    expect(h).toContain('<svg');
    expect(h).toContain('ud=1 res=-14 MORE');
    expect(h).toContain('Kernel panic - not syncing');
    expect(h).not.toContain('<&>');
  });

  it('exit codes: 0 pass or no-oracle, 1 fail/crash/timeout or a regression, 2 error/lost or incomplete', () => {
    const k = report.kernels[1]!;
    const code = (statuses: ScenarioResult['status'][], extra: Partial<RunReport> = {}) =>
      exitCodeOf({ ...report, ...extra, kernels: [{ ...k, results: statuses.map((s, i) => result(`s${i}`, s)) }] });
    expect(code(['pass'])).toBe(0);
    expect(code(['pass', 'no-oracle'])).toBe(0);
    expect(code(['no-oracle'])).toBe(0);
    for (const s of ['fail', 'crash', 'timeout'] as const) expect(code(['pass', s]), s).toBe(1);
    expect(code(['pass'], { regressions: ['send_recv'] })).toBe(1);
    for (const s of ['error', 'lost'] as const) expect(code(['pass', s]), s).toBe(2);
    expect(code(['fail', 'error'])).toBe(2);
    expect(code(['pass'], { incomplete: true })).toBe(2);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('series line, the bisection of a finding on its own kernel only, an empty report', () => {
    const s = { subject: 'Add support for provided registered buffers', version: 1, tags: 'PATCHSET RFC 0/7', input: 'x.mbox' };
    expect(describeSeries({ ...s, patches: 7, messageId: 'm@x' })).toBe(
      '[PATCHSET RFC 0/7] Add support for provided registered buffers (v1, 7 patches, <m@x>)',
    );
    expect(describeSeries({ ...s, patches: 1 })).toBe(
      '[PATCHSET RFC 0/7] Add support for provided registered buffers (v1, 1 patch, no Message-ID in the input)',
    );
    const finding = { id: 'b' } as NonNullable<RunReport['bisect']>['findings'][number];
    const withBisect = { ...report, bisect: { kernel: 'sendzc-provided-rfc', findings: [finding] } as unknown as RunReport['bisect'] };
    expect(bisectOf(withBisect, report.kernels[0]!, 'b')).toBe(finding);
    expect(bisectOf(withBisect, report.kernels[0]!, 'a')).toBeUndefined();
    expect(bisectOf(withBisect, report.kernels[1]!, 'b')).toBeUndefined();
    expect(bisectOf(report, report.kernels[0]!, 'b')).toBeUndefined();
    const started = new Date('2026-11-26T10:00:00.000Z');
    expect(newReport(started)).toEqual({
      tool: 'uringspec',
      version: report.version,
      startedAt: '2026-11-26T10:00:00.000Z',
      durationMs: 0,
      kernels: [],
      incomplete: false,
    });
  });
});
