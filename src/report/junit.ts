// JUnit XML as CI systems read it: a testsuite per kernel, a testcase per
// scenario; fail → <failure>, crash/timeout/error/no-oracle → <error>.
import { totals, type RunReport } from './report.ts';
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

export class JunitReporter implements Reporter {
  readonly format = 'junit';
  readonly fileName = 'junit.xml';

  render(report: RunReport): string {
    const a = (s: string | number) => xmlEscape(String(s));
    const all = report.kernels.flatMap((k) => k.results);
    const t = totals(all);
    const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
    out.push(
      `<testsuites name="uringspec" tests="${t.total}" failures="${t.fail}" errors="${t.total - t.pass - t.fail}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    );
    for (const k of report.kernels) {
      const kt = totals(k.results);
      const time = k.results.reduce((s, r) => s + r.durationMs, 0) / 1000;
      out.push(
        `  <testsuite name="${a(k.label)}" tests="${kt.total}" failures="${kt.fail}" errors="${kt.total - kt.pass - kt.fail}" skipped="0" time="${time.toFixed(3)}" timestamp="${a(report.startedAt)}">`,
      );
      out.push('    <properties>');
      out.push(`      <property name="target" value="${a(k.target.kind)}"/>`);
      out.push(`      <property name="kernel" value="${a(k.target.kernel)}"/>`);
      out.push(`      <property name="model" value="${a(k.profile)}"/>`);
      if (k.target.accel) out.push(`      <property name="accel" value="${a(k.target.accel)}"/>`);
      out.push('    </properties>');
      for (const r of k.results) {
        const classname = r.file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
        out.push(
          `    <testcase classname="${a(classname)}" name="${a(r.id)}" file="${a(r.file)}" line="${r.line}" time="${(r.durationMs / 1000).toFixed(3)}">`,
        );
        const body = [...r.diffs.map(describeDiff), ...r.kernelSplats.map((l) => `kernel: ${l}`), `reproduce: ${r.reproduce}`].join('\n');
        if (r.status === 'fail') out.push(`      <failure type="conformance" message="${a(r.summary)}">${a(body)}</failure>`);
        else if (r.status !== 'pass')
          out.push(
            `      <error type="${a(r.status)}" message="${a(r.summary)}">${a(body + (r.consoleTail ? `\n--- console ---\n${r.consoleTail}` : ''))}</error>`,
          );
        out.push(
          `      <system-out>${a(r.cqes.map((c) => `cqe step=${c.step} ud=${c.userData} res=${c.res} flags=0x${c.flags.toString(16)}`).join('\n'))}</system-out>`,
        );
        out.push('    </testcase>');
      }
      for (const p of k.peer ?? []) {
        out.push(`    <testcase classname="liburing" name="${a(p.test)}" time="${(p.durationMs / 1000).toFixed(3)}">`);
        if (p.status === 'skip') out.push('      <skipped/>');
        else if (p.status !== 'pass')
          out.push(
            `      <failure type="${a(p.status)}" message="${a(`exit ${p.exitCode ?? '?'}${report.regressions?.includes(p.test) ? ', regression against the baseline' : ''}`)}">${a(p.tail)}</failure>`,
          );
        out.push('    </testcase>');
      }
      out.push('  </testsuite>');
    }
    out.push('</testsuites>');
    return out.join('\n') + '\n';
  }
}
