// The JUnit report of a real host run checked against schema/junit.xsd (what
// GitLab, Jenkins, dorny/test-reporter and mikepenz/action-junit-report read;
// docs/junit.md) with xmllint, and its counts against its own elements: the
// consumers show the counts of one and the list of the other.
import { execa } from 'execa';
import { XMLParser } from 'fast-xml-parser';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JunitReporter } from '../../src/report/junit.ts';
import type { RunReport } from '../../src/report/report.ts';
import { debianTool, hostReport } from './consumers.ts';

const xmllint = await debianTool('xmllint', 'libxml2-utils');
const XSD = resolve(import.meta.dirname, '../../schema/junit.xsd');
const tmp = mkdtempSync(join(tmpdir(), 'uspec-junit-'));

async function validate(xml: string) {
  const file = join(tmp, `${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = await execa(xmllint!, ['--noout', '--schema', XSD, file], { reject: false });
  return { ok: r.exitCode === 0, stderr: r.stderr };
}

type Node = Record<string, unknown>;
const list = (x: unknown): Node[] => (x === undefined ? [] : Array.isArray(x) ? (x as Node[]) : [x as Node]);
const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    parseAttributeValue: false,
    isArray: (n) => ['testsuite', 'testcase', 'property'].includes(n),
  }).parse(xml) as { testsuites: Node & { testsuite: Node[] } };

/** A real report plus what a host run cannot produce: an infrastructure error, a lost scenario, liburing tests with a regression. */
function withEverything(real: RunReport): RunReport {
  const r = structuredClone(real);
  const k = r.kernels[0]!;
  const passes = k.results.filter((x) => x.status === 'pass');
  Object.assign(passes[0]!, { status: 'error', summary: 'program error: fatal what=sq_full errno=0 <&>"\'' });
  Object.assign(passes[1]!, { status: 'lost', summary: 'the target lost it \x01]]>' });
  k.peer = [
    { test: 'send_recv', status: 'pass', exitCode: 0, durationMs: 12, kernelSplats: [], tail: '' },
    { test: 'buf-ring', status: 'skip', exitCode: 77, durationMs: 3, kernelSplats: [], tail: 'skipped' },
    { test: 'send-zerocopy', status: 'fail', exitCode: 1, durationMs: 40, kernelSplats: ['WARNING: at net/core'], tail: 'test failed' },
  ];
  r.regressions = ['send-zerocopy'];
  return r;
}

describe.skipIf(!xmllint)('JUnit read as its consumers read it', () => {
  let report: RunReport;
  beforeAll(async () => {
    report = withEverything(await hostReport());
  }, 180_000);

  it('validates against schema/junit.xsd', async () => {
    const v = await validate(new JunitReporter().render(report));
    expect(v.stderr).toMatch(/validates$/);
    expect(v.ok).toBe(true);
  });

  it('counts on every suite and on the root equal its testcases and their verdict elements', () => {
    const doc = parse(new JunitReporter().render(report));
    const count = (cases: Node[]) => ({
      '@_tests': String(cases.length),
      '@_failures': String(cases.filter((c) => c.failure !== undefined).length),
      '@_errors': String(cases.filter((c) => c.error !== undefined).length),
      '@_skipped': String(cases.filter((c) => c.skipped !== undefined).length),
    });
    const suites = doc.testsuites.testsuite;
    for (const s of suites) expect(s).toMatchObject(count(list(s.testcase)));
    expect(doc.testsuites).toMatchObject(count(suites.flatMap((s) => list(s.testcase))));
    const results = report.kernels[0]!.results;
    expect(suites[0]).toMatchObject({
      '@_tests': String(results.length + 3),
      '@_failures': String(results.filter((r) => ['fail', 'crash', 'timeout'].includes(r.status)).length + 1),
      '@_errors': '2',
      '@_skipped': String(results.filter((r) => r.status === 'no-oracle').length + 1),
    });
  });

  it('no-oracle is <skipped> with its reason; infrastructure is <error>; scenarios carry file and line', () => {
    const cases = parse(new JunitReporter().render(report)).testsuites.testsuite[0]!.testcase as Node[];
    const k = report.kernels[0]!;
    const byName = new Map(cases.map((c) => [`${String(c['@_classname'])}/${String(c['@_name'])}`, c]));
    for (const r of k.results) {
      const c = byName.get(`${k.label}.${r.file.replace(/^.*\//, '').replace(/\.yaml$/, '')}/${r.id}`)!;
      expect(c, r.id).toBeDefined();
      expect(c['@_file']).toBe(r.file);
      expect(c['@_line']).toBe(String(r.line));
      if (r.status === 'no-oracle') {
        expect((c.skipped as Node)['@_message']).toBe(r.summary);
        expect(String((c.skipped as Node)['#text'])).toContain(r.summary);
      }
      if (r.status === 'error' || r.status === 'lost') expect((c.error as Node)['@_type']).toBe(r.status);
      if (r.status === 'fail') expect((c.failure as Node)['@_message']).toBe(r.summary);
    }
    const peer = new Map(cases.filter((c) => c['@_classname'] === `${k.label}.liburing`).map((c) => [c['@_name'], c]));
    expect([...peer.keys()]).toEqual(['send_recv', 'buf-ring', 'send-zerocopy']);
    expect(peer.get('buf-ring')!.skipped).toBeDefined();
    expect((peer.get('send-zerocopy')!.failure as Node)['@_message']).toBe('fail, exit 1, a regression: it passes on the baseline');
  });

  it('the schema rejects what a consumer would misread', async () => {
    const xml = new JunitReporter().render(report);
    const first = xml.indexOf('<testcase ');
    const broken = {
      'two verdicts in one testcase': xml.replace('</testcase>', '<skipped message="x"/><failure message="y"/></testcase>'),
      'a testcase without time': xml.slice(0, first) + xml.slice(first).replace(/ time="[^"]*"/, ''),
      'a suite without a name': xml.replace(/<testsuite name="[^"]*"/, '<testsuite'),
      'line 0': xml.replace(/ line="\d+"/, ' line="0"'),
    };
    for (const [what, bad] of Object.entries(broken)) expect((await validate(bad)).ok, what).toBe(false);
  });
});
