// KTAP version 1 exactly as Documentation/dev-tools/ktap.rst specifies it, so
// the kernel's own parser (tools/testing/kunit/kunit.py parse) and KernelCI
// read it: one subtest per kernel, one test per scenario and liburing test,
// two spaces of indentation per level.
//
// Diagnostic lines ("# ...") come *before* the result line they explain
// (ktap.rst: "diagnostic lines regarding a test are directly before the test
// result line for that test"; kunit.py attaches the lines it has read so far
// to the next result line, so lines after it would land on the neighbour).
//
// Only SKIP, TODO, XFAIL, TIMEOUT and ERROR are directives. Each status maps as:
//   pass       ok N id
//   fail       not ok N id                 (the diffs as diagnostics before it)
//   crash      not ok N id                 a kernel bug like a diff, so a plain failure; the
//                                          splat and summary as diagnostics ("crash" is no directive)
//   timeout    not ok N id # TIMEOUT ...   the kernel did not complete the scenario in time
//   no-oracle  ok N id # SKIP no oracle: why   the model cannot judge it: counted as skipped,
//                                          not a failure, never a pass (ktap.rst: SKIP may be ok)
//   error      not ok N id # ERROR ...     the program could not run: infrastructure,
//   lost       not ok N id # ERROR lost: ...  ktap.rst's "execution of a test has failed due
//                                          to a specific error"
// A kernel's own line is "not ok" when any of its tests is (ktap.rst: "if one
// of the subtests fail, the parent test should also fail"; a liburing test that
// fails on both kernels included, though only a regression sets the exit code),
// on a regression, or when the run is incomplete.
import { printable } from '../core/text.ts';
import type { PeerResult } from '../judge/peer.ts';
import { OUTCOME } from '../judge/verdict.ts';
import { describePrefixes } from '../judge/bisect.ts';
import { bisectOf, type KernelRun, type RunReport, type ScenarioResult } from './report.ts';
import { describeDiff, type Reporter } from './reporter.ts';

const INDENT = '  ';

/**
 * Text for a diagnostic line: one line per input line, control characters
 * visible. kunit.py would read a line "# Subtest: x" as a test header, and
 * stops reading at the console markers in KTAP_END of kunit_parser.py; such
 * text is altered by one character so it stays a diagnostic.
 */
function diagnostics(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) =>
      printable(l)
        .replace(/^(\s*)Subtest:/, '$1Subtest -')
        .replace(/List of all partitions:|Kernel panic - not syncing: VFS:|reboot: System halted/g, (m) => m.replace(/:(?=[^:]*$)/, ' :')),
    );
}

/** A test name (ktap.rst: "any string of characters other than # or a newline"). */
const testName = (s: string) => printable(s).replace(/#/g, '%23');
/** The diagnostic data after a directive: one line. */
const data = (s: string) => diagnostics(s).join(' ');

export class KtapReporter implements Reporter {
  readonly format = 'ktap';
  readonly fileName = 'results.ktap';

  render(report: RunReport): string {
    const out = ['KTAP version 1', `1..${report.kernels.length}`];
    report.kernels.forEach((k, ki) => {
      const lines = kernelLines(k, report);
      out.push(...lines.map((l) => INDENT + l));
      const regressed = k.profile !== 'baseline' && (report.regressions?.length ?? 0) > 0;
      const failed =
        k.results.some((r) => OUTCOME[r.status] === 'failure' || OUTCOME[r.status] === 'infrastructure') ||
        !!k.peer?.some((p) => p.status !== 'pass' && p.status !== 'skip');
      if (regressed) out.push(`# regressions against the baseline: ${data(report.regressions!.join(', '))}`);
      if (report.incomplete) out.push(...diagnostics(`incomplete: ${report.incompleteReason ?? 'interrupted'}`).map((l) => `# ${l}`));
      out.push(`${failed || regressed || report.incomplete ? 'not ok' : 'ok'} ${ki + 1} ${testName(k.label)}`);
    });
    return out.join('\n') + '\n';
  }
}

function kernelLines(k: KernelRun, report: RunReport): string[] {
  const out = ['KTAP version 1', `# Subtest: ${testName(k.label)}`];
  out.push(
    `# target: ${data(`${k.target.kind}${k.target.accel ? ` accel=${k.target.accel}` : ''} kernel=${k.target.kernel} model=${k.profile}`)}`,
  );
  if (report.bisect?.kernel === k.label) out.push(`# bisect: ${data(describePrefixes(report.bisect))}`);
  out.push(`1..${k.results.length + (k.peer?.length ?? 0)}`);
  k.results.forEach((r, i) => out.push(...scenarioLines(r, i + 1, bisectOf(report, k, r.id)?.text)));
  k.peer?.forEach((p, j) =>
    out.push(...peerLines(p, k.results.length + j + 1, k.profile !== 'baseline' && !!report.regressions?.includes(p.test))),
  );
  return out;
}

function scenarioLines(r: ScenarioResult, n: number, bisect: string | undefined): string[] {
  const name = testName(r.id);
  if (r.status === 'pass') return [`ok ${n} ${name}`];
  const diag = [
    // a crash's summary already opens with "crash: <title>"
    `${r.id}: ${r.summary.startsWith(`${r.status}: `) ? r.summary : `${r.status}: ${r.summary}`}`,
    ...(bisect ? [`bisect: ${bisect}`] : []),
    ...r.diffs.map(describeDiff),
    ...r.pinConflicts.map((d) => `pin disagrees with the model: ${describeDiff(d)}`),
    ...r.kernelSplats.slice(0, 5).map((l) => `kernel: ${l}`),
    `${r.file}:${r.line}`,
    `reproduce: ${r.reproduce}`,
  ].flatMap(diagnostics);
  const lines = diag.map((l) => `# ${l}`);
  switch (r.status) {
    case 'no-oracle':
      return [...lines, `ok ${n} ${name} # SKIP ${data(r.summary)}`];
    case 'timeout':
      return [...lines, `not ok ${n} ${name} # TIMEOUT ${data(r.summary)}`];
    case 'error':
      return [...lines, `not ok ${n} ${name} # ERROR ${data(r.summary)}`];
    case 'lost':
      return [...lines, `not ok ${n} ${name} # ERROR lost: ${data(r.summary)}`];
    case 'fail':
    case 'crash':
      return [...lines, `not ok ${n} ${name}`];
  }
}

function peerLines(p: PeerResult, n: number, regressed: boolean): string[] {
  const name = testName(`liburing:${p.test}`);
  if (p.status === 'pass') return [`ok ${n} ${name}`];
  if (p.status === 'skip') return [`ok ${n} ${name} # SKIP exit 77`];
  const diag = [
    `liburing:${p.test}: ${p.status}${p.exitCode !== undefined ? ` (exit ${p.exitCode})` : ''}${regressed ? ', a regression: it passes on the baseline' : ''}`,
    ...p.kernelSplats.slice(0, 5).map((l) => `kernel: ${l}`),
    ...p.tail.split('\n').filter(Boolean).slice(-4),
  ].flatMap(diagnostics);
  return [...diag.map((l) => `# ${l}`), `not ok ${n} ${name}${p.status === 'timeout' ? ' # TIMEOUT' : ''}`];
}
