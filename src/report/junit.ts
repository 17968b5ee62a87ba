// JUnit XML in the dialect GitLab, Jenkins' junit plugin, dorny/test-reporter
// and mikepenz/action-junit-report all read (what each reads, with the
// evidence, and the schema that checks it: docs/junit.md,
// schema/junit.xsd): a <testsuite> per kernel, a <testcase> per
// scenario and per liburing test.
//
//   fail, crash, timeout  <failure type=status>   conformance failures (exit 1)
//   error, lost           <error type=status>     infrastructure: nothing was learnt (exit 2)
//   no-oracle             <skipped message=why>   counted and shown, not a failure
//
// classname is "<kernel>.<spec file>" so the same scenario on two kernels is
// two tests everywhere (GitLab keys a test by suite, classname and name);
// file and line point at the scenario in its spec for GitLab's test view and
// mikepenz's annotations. Counts on every suite equal its testcase elements.
import { OUTCOME } from '../judge/verdict.ts';
import type { PeerResult } from '../judge/peer.ts';
import { bisectOf, type KernelRun, type RunReport, type ScenarioResult } from './report.ts';
import { describeDiff, type Reporter } from './reporter.ts';

export function xmlEscape(s: string): string {
  return s
    .replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const a = (s: string | number) => xmlEscape(String(s));
const seconds = (ms: number) => (Math.max(0, Number(ms) || 0) / 1000).toFixed(3);

/** One testcase: its attributes, its verdict element (if any) and its output. */
interface Case {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  durationMs: number;
  verdict?: { element: 'failure' | 'error' | 'skipped'; type?: string; message: string; text: string };
  out?: string;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

const countOf = (cases: Case[]): Counts => ({
  tests: cases.length,
  failures: cases.filter((c) => c.verdict?.element === 'failure').length,
  errors: cases.filter((c) => c.verdict?.element === 'error').length,
  skipped: cases.filter((c) => c.verdict?.element === 'skipped').length,
});
const countAttrs = (c: Counts) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;

export class JunitReporter implements Reporter {
  readonly format = 'junit';
  readonly fileName = 'junit.xml';

  render(report: RunReport): string {
    const suites = report.kernels.map((k) => ({
      k,
      cases: [
        ...k.results.map((r) => scenarioCase(k, r, bisectOf(report, k, r.id)?.text)),
        ...(k.peer ?? []).map((p) => peerCase(k, p, report)),
      ],
    }));
    const all = countOf(suites.flatMap((s) => s.cases));
    const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
    out.push(`<testsuites name="uringspec" ${countAttrs(all)} time="${seconds(report.durationMs)}">`);
    for (const { k, cases } of suites) {
      const time = cases.reduce((s, c) => s + c.durationMs, 0);
      out.push(
        `  <testsuite name="${a(k.label)}" ${countAttrs(countOf(cases))} time="${seconds(time)}" timestamp="${a(report.startedAt)}">`,
      );
      out.push('    <properties>');
      out.push(`      <property name="target" value="${a(k.target.kind)}"/>`);
      out.push(`      <property name="kernel" value="${a(k.target.kernel)}"/>`);
      out.push(`      <property name="model" value="${a(k.profile)}"/>`);
      if (k.target.accel) out.push(`      <property name="accel" value="${a(k.target.accel)}"/>`);
      if (report.incomplete) out.push(`      <property name="incomplete" value="${a(report.incompleteReason ?? 'interrupted')}"/>`);
      out.push('    </properties>');
      for (const c of cases) out.push(...caseXml(c));
      out.push('  </testsuite>');
    }
    out.push('</testsuites>');
    return out.join('\n') + '\n';
  }
}

function caseXml(c: Case): string[] {
  const where = c.file !== undefined ? ` file="${a(c.file)}"${c.line !== undefined ? ` line="${a(c.line)}"` : ''}` : '';
  const out = [`    <testcase classname="${a(c.classname)}" name="${a(c.name)}"${where} time="${seconds(c.durationMs)}">`];
  const v = c.verdict;
  if (v) out.push(`      <${v.element}${v.type ? ` type="${a(v.type)}"` : ''} message="${a(v.message)}">${a(v.text)}</${v.element}>`);
  if (c.out) out.push(`      <system-out>${a(c.out)}</system-out>`);
  out.push('    </testcase>');
  return out;
}

/** "sendzc-provided-rfc.zc-addr-encoding": Jenkins shows the kernel as the package, the spec file as the class. */
const classOf = (k: KernelRun, file: string) =>
  `${k.label}.${file
    .replace(/^.*\//, '')
    .replace(/\.ya?ml$/, '')
    .replace(/\./g, '_')}`;

function scenarioCase(k: KernelRun, r: ScenarioResult, bisect: string | undefined): Case {
  const body = [
    r.summary,
    ...(bisect ? [`bisect: ${bisect}`] : []),
    ...r.diffs.map(describeDiff),
    ...r.pinConflicts.map((d) => `pin disagrees with the model: ${describeDiff(d)}`),
    ...r.kernelSplats.map((l) => `kernel: ${l}`),
    `reproduce: ${r.reproduce}`,
    ...(r.consoleTail ? ['--- console ---', r.consoleTail] : []),
  ].join('\n');
  const outcome = OUTCOME[r.status];
  const verdict: Case['verdict'] =
    outcome === 'failure'
      ? { element: 'failure', type: r.status, message: r.summary, text: body }
      : outcome === 'infrastructure'
        ? { element: 'error', type: r.status, message: r.summary, text: body }
        : outcome === 'no-oracle'
          ? { element: 'skipped', message: r.summary, text: body }
          : undefined;
  return {
    classname: classOf(k, r.file),
    name: r.id,
    file: r.file,
    line: r.line,
    durationMs: r.durationMs,
    ...(verdict ? { verdict } : {}),
    out: r.cqes.map((c) => `cqe step=${c.step} ud=${c.userData} res=${c.res} flags=0x${c.flags.toString(16)}`).join('\n'),
  };
}

function peerCase(k: KernelRun, p: PeerResult, report: RunReport): Case {
  const regressed = k.profile !== 'baseline' && !!report.regressions?.includes(p.test);
  const message = `${p.status}${p.exitCode !== undefined ? `, exit ${p.exitCode}` : ''}${regressed ? ', a regression: it passes on the baseline' : ''}`;
  const text = [...p.kernelSplats.map((l) => `kernel: ${l}`), p.tail].join('\n');
  return {
    classname: `${k.label}.liburing`,
    name: p.test,
    durationMs: p.durationMs,
    ...(p.status === 'pass'
      ? {}
      : p.status === 'skip'
        ? { verdict: { element: 'skipped', message: 'skipped by the test itself (exit 77)', text } }
        : { verdict: { element: 'failure', type: p.status, message, text } }),
  };
}
