// A failure's signature: what kind of failure, where, and which model rule
// the first difference breaks. Minimization keeps a candidate only if its
// signature is the same; fuzzing deduplicates findings by it. Values are left
// out on purpose: a smaller scenario sends fewer bytes, so "res expected 300
// got 100" becomes "expected 30 got 10" and is still the same failure.
import type { ScenarioResult } from './result.ts';

const CRASH_PREFIX = /^the kernel crashed while this scenario ran: /;

/** "cqe 1 of user_data 1 (step 1 send_zc)" → "cqe"; "ring 1 head" → "ring head". */
function whereKind(where: string): string {
  return where
    .replace(/\(.*?\)/g, '')
    .replace(/\bof user_data\b/g, '')
    .replace(/[#\d]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function failureSignature(r: Pick<ScenarioResult, 'status' | 'diffs' | 'crash' | 'corrupts'>): string | undefined {
  if (r.status === 'pass' || r.status === 'no-oracle' || r.status === 'error' || r.status === 'lost') return undefined;
  // A crash is known by its title (stable across runs: no addresses or offsets in it). One this scenario only
  // preceded (a later one crashed when it ran first) is another failure: a minimizer keeping it would keep a
  // scenario that does not crash by itself (a flaky crash's replay once blamed the scenario before it).
  if (r.status === 'crash') return `${r.corrupts !== undefined ? 'corrupts:' : ''}${r.crash ? `crash:${r.crash.title}` : 'crash'}`;
  if (r.status === 'timeout') return r.status;
  const d = r.diffs[0];
  if (!d) return 'fail';
  return `fail:${whereKind(d.where)}.${d.field.replace(/\d+/g, 'N')}${d.rule ? `[${d.rule}]` : ''}`;
}

/**
 * The signature findings are told apart by: failureSignature, which names a
 * kernel crash by its stable title; a crash without a parsed report (a
 * program killed by a signal) by its summary, addresses and offsets left out.
 */
export function findingSignature(r: Pick<ScenarioResult, 'status' | 'diffs' | 'summary' | 'crash' | 'corrupts'>): string | undefined {
  const s = failureSignature(r);
  if (s !== 'crash') return s;
  const title = r.summary
    .replace(CRASH_PREFIX, '')
    .replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/gi, '')
    .replace(/\b(0x)?[0-9a-f]{6,}\b/gi, 'X')
    .trim();
  return `crash: ${title}`;
}

/**
 * What bisection compares across the kernels of a series: a crash by its
 * title, a difference by its exact place, field and rule and by what the
 * kernel answered there. Minimization must leave values out (each candidate
 * is another scenario); bisection runs one scenario on every prefix and
 * judges all of them with the full series' profile, so the same expectation
 * meets each kernel's answer and the answer is what tells them apart: where
 * index 65536 should fail with -EFAULT, a prefix without the feature says
 * -EOPNOTSUPP and the full series sends 10 bytes from buffer 0. Both are a
 * difference at the same place by the same rule; only the answer shows it is
 * not the same failure.
 */
export function bisectSignature(r: Pick<ScenarioResult, 'status' | 'diffs' | 'crash' | 'corrupts'>): string | undefined {
  const s = failureSignature(r);
  const d = r.diffs[0];
  if (s === undefined || r.status !== 'fail' || !d) return s;
  return `fail:${d.where}.${d.field}${d.rule ? `[${d.rule}]` : ''}=${d.got}`;
}
