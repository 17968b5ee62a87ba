// KTAP (Documentation/dev-tools/ktap.rst): one subtest per kernel, one test
// line per scenario, diagnostics as "#" lines after a failing test.
import type { RunReport } from './report.ts';
import { describeDiff, type Reporter } from './reporter.ts';

/** Diagnostic text: one line. */
const clean = (s: string) => s.replace(/[\r\n]+/g, ' ');
/** A test name: one line, and no '#', which would start a directive. */
const name = (s: string) => clean(s).replace(/#/g, '%23');

export class KtapReporter implements Reporter {
  readonly format = 'ktap';
  readonly fileName = 'results.ktap';

  render(report: RunReport): string {
    const out = ['KTAP version 1', `1..${report.kernels.length}`];
    report.kernels.forEach((k, ki) => {
      const ind = '    ';
      out.push(`${ind}KTAP version 1`, `${ind}# Subtest: ${name(k.label)}`);
      out.push(
        `${ind}# target: ${k.target.kind}${k.target.accel ? ` accel=${k.target.accel}` : ''} kernel=${clean(k.target.kernel)} model=${k.profile}`,
      );
      out.push(`${ind}1..${k.results.length + (k.peer?.length ?? 0)}`);
      k.results.forEach((r, i) => {
        const ok = r.status === 'pass';
        out.push(`${ind}${ok ? 'ok' : 'not ok'} ${i + 1} ${r.id}${ok ? '' : ` # ${r.status.toUpperCase()}`}`);
        if (!ok) {
          out.push(`${ind}# ${clean(r.summary)}`);
          for (const d of r.diffs) out.push(`${ind}# ${clean(describeDiff(d))}`);
          for (const l of r.kernelSplats.slice(0, 5)) out.push(`${ind}# kernel: ${clean(l)}`);
          out.push(`${ind}# reproduce: ${clean(r.reproduce)}`);
        }
      });
      k.peer?.forEach((p, j) => {
        const n = k.results.length + j + 1;
        const regressed = report.regressions?.includes(p.test) && k.profile !== 'baseline';
        if (p.status === 'pass') out.push(`${ind}ok ${n} liburing:${p.test}`);
        else if (p.status === 'skip') out.push(`${ind}ok ${n} liburing:${p.test} # SKIP`);
        else {
          out.push(`${ind}not ok ${n} liburing:${p.test} # ${p.status.toUpperCase()}${regressed ? ' regression' : ''}`);
          for (const l of p.tail.split('\n').filter(Boolean).slice(-4)) out.push(`${ind}# ${clean(l)}`);
        }
      });
      const allOk =
        k.results.every((r) => r.status === 'pass') && !report.incomplete && !(k.profile !== 'baseline' && report.regressions?.length);
      out.push(`${allOk ? 'ok' : 'not ok'} ${ki + 1} ${name(k.label)}`);
    });
    return out.join('\n') + '\n';
  }
}
