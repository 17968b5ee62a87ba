// Combines the JSON reports of sharded gate runs into one report: results of
// the same kernel are joined in spec order, the peer suite (run by shard 1
// only) is kept once, regressions are recomputed, series coverage is joined
// (a line any shard executed is executed).
import type { KernelRun, RunReport } from './report.ts';
import { regressions } from '../judge/peer.ts';
import { mergeCoverage } from '../coverage/series-coverage.ts';

export function mergeReports(reports: RunReport[]): RunReport {
  if (!reports.length) throw new Error('nothing to merge');
  const kernels = new Map<string, KernelRun>();
  for (const r of reports)
    for (const k of r.kernels) {
      const have = kernels.get(k.label);
      if (!have) kernels.set(k.label, { ...k, results: [...k.results] });
      else {
        have.results.push(...k.results);
        if (!have.peer && k.peer) have.peer = k.peer;
        if (k.coverage) have.coverage = have.coverage ? mergeCoverage(have.coverage, k.coverage) : k.coverage;
      }
    }
  for (const k of kernels.values()) {
    const seen = new Set<string>();
    k.results = k.results.filter((r) => !seen.has(r.id) && seen.add(r.id)).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  }
  const list = [...kernels.values()];
  const incomplete = reports.filter((r) => r.incomplete);
  const starts = reports.map((r) => r.startedAt).sort();
  const merged: RunReport = {
    tool: 'uringspec',
    version: reports[0]!.version,
    startedAt: starts[0]!,
    durationMs: Math.max(...reports.map((r) => r.durationMs)),
    kernels: list,
    incomplete: incomplete.length > 0,
    ...(incomplete.length ? { incompleteReason: incomplete.map((r) => r.incompleteReason ?? 'interrupted').join('; ') } : {}),
  };
  const withPeer = list.filter((k) => k.peer);
  const patched = reports.flatMap((r) => r.kernels).find((k) => k.profile !== 'baseline' && k.peer);
  const baseline = withPeer.find((k) => k.profile === 'baseline');
  if (patched?.peer && baseline?.peer) merged.regressions = regressions(baseline.peer, patched.peer);
  return merged;
}
