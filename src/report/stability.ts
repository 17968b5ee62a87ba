// Repeated runs of one corpus on one kernel, compared scenario by scenario:
// which verdicts moved. A verdict is the status with what decides it (the
// first difference's place, field and rule, or the crash title), not the
// numbers in it, so a moved verdict is a real change of outcome.
import type { RunReport, ScenarioResult } from './report.ts';

export function verdictKey(r: ScenarioResult): string {
  if (r.status === 'crash') return `crash ${r.crash?.title ?? ''}`.trim();
  if (r.status === 'fail') {
    const d = r.diffs[0];
    return d ? `fail ${d.where} ${d.field}${d.rule ? ` [${d.rule}]` : ''}` : 'fail';
  }
  return r.status;
}

/** The verdict with its content: the first difference's expected and got, the crash title, the no-oracle reason. What an exact pin pins. */
export function verdictDetail(r: ScenarioResult): string {
  if (r.status === 'fail') {
    const d = r.diffs[0];
    return d ? `fail ${d.where} ${d.field}: expected ${d.expected}, got ${d.got}${d.rule ? ` [${d.rule}]` : ''}` : 'fail';
  }
  if (r.status === 'no-oracle') return `no-oracle: ${r.summary.replace(/^no oracle: /, '').replace(/^host [^:]+: /, 'host: ')}`;
  return verdictKey(r);
}

export interface Moved {
  id: string;
  /** The verdict of each run, in run order. */
  verdicts: string[];
}

/** Scenarios whose verdict (or, with `key` = verdictDetail, its content) differs between runs (kernels matched by label). */
export function movedVerdicts(runs: RunReport[], key: (r: ScenarioResult) => string = verdictKey): Moved[] {
  const by = new Map<string, string[]>();
  runs.forEach((run, i) => {
    for (const k of run.kernels)
      for (const r of k.results) {
        const id = `${k.label}/${r.id}`;
        const list = by.get(id) ?? [];
        list[i] = key(r);
        by.set(id, list);
      }
  });
  return [...by]
    .filter(([, v]) => v.length !== runs.length || new Set(v).size > 1)
    .map(([id, verdicts]) => ({ id, verdicts: Array.from({ length: runs.length }, (_, i) => verdicts[i] ?? '(missing)') }));
}
