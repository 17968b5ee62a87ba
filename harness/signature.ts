// A failure's signature: what kind of failure, on which fields. Minimization
// keeps a candidate only if its signature is the same; fuzzing deduplicates
// findings by it. Values are left out on purpose: a smaller scenario sends
// fewer bytes, so "res expected 300 got 100" becomes "expected 30 got 10".
import type { ScenarioResult } from './report.ts';

export function failureSignature(r: Pick<ScenarioResult, 'status' | 'diffs'>): string | undefined {
  if (r.status === 'pass' || r.status === 'no-oracle' || r.status === 'error') return undefined;
  if (r.status === 'crash' || r.status === 'timeout') return r.status;
  const parts = new Set(r.diffs.map((d) => `${d.where.replace(/[#\d]+|\(.*?\)/g, '').trim()}.${d.field.replace(/\d+/g, 'N')}`));
  return `fail:${[...parts].sort().join(',')}`;
}
