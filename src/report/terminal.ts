// The short report a person reads: one line per kernel, then what failed and why.
import { coverageLine, patchLines } from '../coverage/format.ts';
import type { SeriesCoverage } from '../coverage/series-coverage.ts';
import { OUTCOME, type Outcome } from '../judge/verdict.ts';
import { describePrefixes } from '../judge/bisect.ts';
import { bisectOf, describeSeries, totals, type RunReport } from './report.ts';
import { describeDiff, type Reporter } from './reporter.ts';

export class TerminalReporter implements Reporter {
  readonly format = 'text';
  readonly fileName = 'summary.txt';
  constructor(private readonly opts: { maxDiffs?: number; verbose?: boolean } = {}) {}

  render(report: RunReport): string {
    const out: string[] = [];
    for (const k of report.kernels) {
      const t = totals(k.results);
      const accel = k.target.accel ? `, ${k.target.accel}` : '';
      out.push(
        `${k.label} (${k.target.kind}${accel}, model ${k.profile}): ${t.pass}/${t.total} pass` +
          (['fail', 'no-oracle', 'crash', 'timeout', 'error', 'lost'] as const)
            .filter((s) => t[s])
            .map((s) => `, ${t[s]} ${s}`)
            .join(''),
      );
      for (const sr of k.series ?? []) out.push(`  series: ${describeSeries(sr)}`);
      // A kernel whose run failed: one line for the cause, not one per lost scenario.
      if (k.error) out.push(`  RUN FAILED: ${k.error}`);
      for (const r of k.results) {
        if (r.status === 'pass' && !this.opts.verbose) continue;
        if (k.error && r.status === 'lost') continue;
        out.push(`  ${r.status.toUpperCase().padEnd(9)} ${r.id}  ${r.file}:${r.line}`);
        // The diffs say it better than a summary that repeats the first of them.
        if (r.status !== 'pass' && (!r.diffs.length || r.status !== 'fail')) out.push(`            ${r.summary}`);
        for (const d of r.diffs.slice(0, this.opts.maxDiffs ?? 3)) out.push(`            - ${describeDiff(d)}`);
        if (r.diffs.length > (this.opts.maxDiffs ?? 3)) out.push(`            (${r.diffs.length - (this.opts.maxDiffs ?? 3)} more)`);
        for (const d of r.pinConflicts) out.push(`            ! pin disagrees with the model: ${describeDiff(d)}`);
        const b = bisectOf(report, k, r.id);
        if (b) out.push(`            > ${b.text}${b.mail ? ` (reply: ${b.mail})` : ''}`);
      }
      if (k.peer?.length) {
        const count = (s: string) => k.peer!.filter((p) => p.status === s).length;
        out.push(`  liburing tests: ${count('pass')} pass, ${count('skip')} skip, ${k.peer.length - count('pass') - count('skip')} fail`);
        for (const p of k.peer.filter((x) => x.status !== 'pass' && x.status !== 'skip'))
          out.push(`    ${p.status.toUpperCase().padEnd(8)} ${p.test}${p.exitCode !== undefined ? ` (exit ${p.exitCode})` : ''}`);
      }
      if (k.coverage) out.push(...coverageSummary(k.coverage, this.opts.verbose ?? false));
    }
    if (report.bisect) out.push(`bisect: ${describePrefixes(report.bisect)}`);
    if (report.regressions?.length)
      out.push(`REGRESSIONS (pass on the baseline, fail on the patched kernel): ${report.regressions.join(', ')}`);
    if (report.incomplete) out.push(`INCOMPLETE: ${report.incompleteReason ?? 'interrupted'}`);
    if (report.shard)
      out.push(
        `SHARD ${report.shard.index}/${report.shard.count} of ${report.corpus?.count ?? '?'} scenarios: the verdict is the merge of every shard (uringspec report merge)`,
      );
    out.push(closingLine(report));
    return out.join('\n') + '\n';
  }
}

/** The coverage lines under a kernel: the headline, then what it could not measure or map. */
function coverageSummary(c: SeriesCoverage, verbose: boolean): string[] {
  const out = [`  ${coverageLine(c)} [on ${c.kernel}]`];
  if (verbose) out.push(...patchLines(c).map((l) => `    ${l}`));
  if (c.withoutCoverage.length)
    out.push(
      `    no counters from ${c.withoutCoverage.length} scenario(s): ${c.withoutCoverage.map((w) => `${w.id} (${w.why})`).join(', ')}`,
    );
  if (c.notInstrumented.length)
    out.push(`    not instrumented (no gcov data): ${c.notInstrumented.map((f) => `${f.file} (${f.lines} added lines)`).join(', ')}`);
  if (c.unmapped.length) out.push(`    counters not mapped: ${c.unmapped.map((u) => `${u.file} (${u.why})`).join(', ')}`);
  if (c.verdictDiffs?.length)
    out.push(
      `    verdicts differ on the coverage kernel (the plain kernel's count): ${c.verdictDiffs.map((d) => `${d.id} ${d.plain} -> ${d.coverage}`).join(', ')}`,
    );
  return out;
}

/**
 * The last line, starting with the plain "N passed, N failed" CI log scanners
 * read: failed counts conformance failures only (fail, crash, timeout); no-oracle,
 * infrastructure outcomes and regressions follow by name when there are any.
 */
export function closingLine(report: RunReport): string {
  const all = report.kernels.flatMap((k) => k.results);
  const n = (o: Outcome) => all.filter((r) => OUTCOME[r.status] === o).length;
  const t = totals(all);
  const extra: [number, string][] = [
    [t['no-oracle'], 'no-oracle'],
    [t.error, 'error'],
    [t.lost, 'lost'],
    [report.regressions?.length ?? 0, 'regression(s)'],
  ];
  return `${n('pass')} passed, ${n('failure')} failed${extra
    .filter(([c]) => c)
    .map(([c, what]) => `, ${c} ${what}`)
    .join('')}${report.incomplete ? ' (incomplete)' : ''}`;
}
