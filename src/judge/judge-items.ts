// Turns what a target returned for each scenario into a judged result: an
// infrastructure outcome (crash, timeout, program error) as such, otherwise
// the oracle's comparison of the observation with the model.
import type { ItemResult } from '../core/target.ts';
import { parseEvents, type Observation } from '../exec/events.ts';
import { expectedTimeline, explainFatal } from './compare.ts';
import { scenarioOf, type ScenarioRef } from '../specs/load.ts';
import type { Scenario } from '../specs/schema.ts';
import type { Oracle } from './oracle.ts';
import { cqesForReport, type ScenarioResult } from './result.ts';
import type { Verdict } from './verdict.ts';

/** Turns target results into judged scenario results, in spec order. */
export function judgeItems(
  refs: ScenarioRef[],
  results: ItemResult[],
  oracle: Oracle,
  reproduce: (ref: ScenarioRef) => string,
): ScenarioResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  return refs.map((ref) => resultOf(ref, byId.get(scenarioOf(ref).id), oracle, reproduce));
}

function resultOf(ref: ScenarioRef, item: ItemResult | undefined, oracle: Oracle, reproduce: (ref: ScenarioRef) => string): ScenarioResult {
  const sc = scenarioOf(ref);
  const base = {
    id: sc.id,
    title: sc.title,
    file: ref.spec.file,
    line: ref.spec.lineOf(['scenarios', ref.index]),
    tags: sc.tags,
    reproduce: reproduce(ref),
  };
  if (!item)
    return {
      ...base,
      status: 'error',
      summary: 'the target returned no result for this scenario',
      diffs: [],
      pinConflicts: [],
      durationMs: 0,
      cqes: [],
      kernelSplats: [],
    };
  const obs = parseEvents(item.stdout);
  const common = {
    durationMs: item.durationMs,
    cqes: cqesForReport([...obs.cqes, ...obs.extra]),
    kernelSplats: item.kernelSplats,
    ...(item.consoleTail ? { consoleTail: item.consoleTail } : {}),
    // The crash this scenario is judged for (its own, or the one it caused in a later one) and how it was pinned on it.
    ...(item.corrupts
      ? { crash: item.corrupts.crash, corrupts: item.corrupts.victim }
      : item.status === 'crashed' && item.crash
        ? { crash: item.crash }
        : {}),
    ...(item.triage ? { triage: item.triage } : {}),
  };
  const verdict = verdictOf(sc, item, obs, oracle);
  // A crash, hang or program error still shows what the model expected next to what arrived before it.
  const expected = verdict.expected ?? (item.status === 'missing' ? undefined : expectedTimeline(oracle.predict(sc), obs));
  return {
    ...base,
    ...common,
    status: verdict.status,
    summary: verdict.summary,
    diffs: verdict.diffs,
    pinConflicts: verdict.pinConflicts ?? [],
    ...(expected ? { expected } : {}),
  };
}

function verdictOf(sc: Scenario, item: ItemResult, obs: Observation, oracle: Oracle): Verdict {
  // It ran to completion, but a later scenario crashed only when this one had run before it.
  if (item.corrupts)
    return {
      status: 'crash',
      summary: `corrupts the kernel: ${item.corrupts.victim} crashed only after it (${crashTitle(item.corrupts.crash)})`,
      diffs: splatDiffs(item),
    };
  switch (item.status) {
    case 'crashed':
      return { status: 'crash', summary: `${crashTitle(item.crash, item)}${triageNote(item)}`, diffs: splatDiffs(item) };
    case 'lost':
      return { status: 'lost', summary: `lost: ${(item.consoleTail ?? 'the target lost this scenario').split('\n')[0]}`, diffs: [] };
    case 'timeout':
      return { status: 'timeout', summary: `no result within ${sc.timeout_ms} ms`, diffs: splatDiffs(item) };
    case 'missing':
      return { status: 'error', summary: 'never ran (the run was interrupted)', diffs: [] };
    case 'signaled':
      return { status: 'crash', summary: `the scenario program died with signal ${item.signal ?? '?'}`, diffs: splatDiffs(item) };
    case 'exited':
      break;
  }
  if (item.exitCode !== 0 || obs.fatal || !obs.complete)
    return {
      status: 'error',
      summary:
        obs.fatal !== undefined
          ? explainFatal(obs.fatal)
          : `the scenario program exited with ${item.exitCode}${obs.complete ? '' : ' before its end line'}`,
      diffs: [],
    };
  const v = oracle.judge(sc, obs);
  const after =
    item.triage?.outcome === 'after'
      ? ` (in the run it crashed the kernel only after ${item.triage.after}, which is blamed; alone: this verdict)`
      : item.triage?.outcome === 'not-reproduced'
        ? ` (in the run the kernel crashed while it ran, ${item.unpinnedCrash?.title ?? 'no panic title'}; no replay reproduced it, alone or after the same items: this verdict is its replay alone)`
        : '';
  if (item.kernelSplats.length) {
    // A kernel warning while the scenario ran is a failure even if the CQEs looked right.
    return {
      ...v,
      status: v.status === 'pass' || v.status === 'no-oracle' ? 'fail' : v.status,
      summary: `kernel log: ${item.kernelSplats[0]}${after}`,
      diffs: [...splatDiffs(item), ...v.diffs],
    };
  }
  return after ? { ...v, summary: v.summary + after } : v;
}

/** "crash: BUG: ... in io_send_zc at io_uring/net.c:1466" */
function crashTitle(crash: ItemResult['crash'], item?: ItemResult): string {
  if (!crash) return `the kernel crashed while this scenario ran: ${item ? crashHeadline(item) : 'no panic message captured'}`;
  const at = crash.frames.find((f) => f.reliable && f.where?.length && crash.title.endsWith(` in ${f.fn}`))?.where?.[0];
  return `crash: ${crash.title}${at ? ` at ${at}` : ''}`;
}

function triageNote(item: ItemResult): string {
  const t = item.triage;
  if (!t) return '';
  if (t.outcome === 'alone') return ` (reproduced alone in a fresh guest, ${t.reproduced} of ${t.tries})`;
  if (t.outcome === 'not-reproduced') return ` (not reproduced in ${t.tries} replay(s); the run's evidence is kept)`;
  return ` (only after ${t.after})`;
}

/** The line that names the crash ("BUG: unable to handle page fault ...") and the io_uring frame it happened under. */
function crashHeadline(item: ItemResult): string {
  const lines = [...item.kernelSplats, ...(item.consoleTail ?? '').split('\n')];
  const head =
    lines.find((l) => /BUG:|general protection fault|KASAN:|Oops:|kernel BUG/.test(l)) ??
    lines.find((l) => /Kernel panic/.test(l)) ??
    'no panic message captured';
  const frame = (item.consoleTail ?? '')
    .split('\n')
    .find((l) => /\bio_\w+\+0x/.test(l))
    ?.trim()
    .replace(PRINTK_TIME, '')
    .replace(/^\? /, '');
  return `${head.trim().replace(PRINTK_TIME, '')}${frame ? ` (in ${frame})` : ''}`;
}
/** A printk timestamp ("[   12.345678] ", with a caller id "[  T123]" after it when CONFIG_PRINTK_CALLER) at the start of a console line. */
const PRINTK_TIME = /^\[\s*\d+\.\d+\](\[\s*[TC]\d+\])?\s*/;

function splatDiffs(item: ItemResult) {
  return item.kernelSplats.slice(0, 3).map((l) => ({ where: 'kernel log', field: 'splat', expected: 'none', got: l }));
}
