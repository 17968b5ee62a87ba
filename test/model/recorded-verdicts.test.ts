// The model against what kernels really did: every corpus scenario's recorded
// observation (test/fixtures/recorded/<kernel>.json, scripts/record-observations.ts)
// judged in process must give exactly the verdict pinned for that kernel in
// test/expectations/ (the pins test/integration/verdicts.test.ts holds live
// runs to). The expected verdicts come from the kernels and were checked by
// hand when pinned, not from the model: a model change that moves any verdict
// fails here with the scenario named, in a second, with no compile and no kernel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../../src/core/target.ts';
import { judge } from '../../src/judge/compare.ts';
import { judgeItems } from '../../src/judge/judge-items.ts';
import type { Oracle } from '../../src/judge/oracle.ts';
import { predict, type HostFeatures, type ProfileName } from '../../src/model/index.ts';
import { verdictDetail } from '../../src/report/stability.ts';
import { allScenarios, loadSpecsOrThrow } from '../../src/specs/load.ts';

const ROOT = join(import.meta.dirname, '../..');
const refs = allScenarios(loadSpecsOrThrow([join(ROOT, 'corpus')]));

/** The pins of one kernel: verdict by id, a second allowed verdict ("# also:"), and the header's host features. */
function pinsOf(name: string) {
  const pins = new Map<string, string[]>();
  let features: HostFeatures | undefined;
  for (const line of readFileSync(join(ROOT, 'test/expectations', `${name}.txt`), 'utf8').split('\n')) {
    if (line.startsWith('# host features: ')) features = JSON.parse(line.slice('# host features: '.length)) as HostFeatures;
    else if (line.startsWith('# also: ')) {
      const [id, verdict] = line.slice('# also: '.length).split('\t');
      pins.set(id!, [...(pins.get(id!) ?? []), verdict!]);
    } else if (line.trim() && !line.startsWith('#')) {
      const tab = line.indexOf('\t');
      pins.set(line.slice(0, tab), [line.slice(tab + 1), ...(pins.get(line.slice(0, tab)) ?? [])]);
    }
  }
  return { pins, features };
}

/** Corpus scenarios whose sends may complete short (MSG_DONTWAIT, more than the socket takes at once). */
const MAY_GO_SHORT = ['send-partial-dontwait', 'zc-partial-dontwait'];

const oracleFor = (p: ProfileName | HostFeatures): Oracle => ({
  profile: typeof p === 'string' ? p : 'host',
  predict: (sc) => predict(sc, p),
  judge: (sc, obs) => judge(sc, obs, predict(sc, p)),
});

describe('the model on recorded kernel observations gives the pinned verdicts', () => {
  for (const [name, profile] of [
    ['host', undefined],
    ['sendzc-provided-rfc', 'rfc-v1'],
    ['baseline', 'baseline'],
  ] as const) {
    const file = join(ROOT, 'test/fixtures/recorded', `${name}.json`);
    it(`${name}: every corpus scenario`, () => {
      const { items } = JSON.parse(readFileSync(file, 'utf8')) as { items: ItemResult[] };
      const { pins, features } = pinsOf(name);
      const p = profile ?? features;
      if (!p) throw new Error(`test/expectations/${name}.txt names no host features`);
      const results = judgeItems(refs, items, oracleFor(p), () => '');
      // every scenario of the corpus was recorded and is pinned
      expect(items.map((i) => i.id).sort()).toEqual(refs.map((r) => r.spec.spec.scenarios[r.index]!.id).sort());
      const wrong = results.flatMap((r) =>
        pins.get(r.id)?.includes(verdictDetail(r)) ? [] : [`${r.id}: ${verdictDetail(r)} (pinned: ${pins.get(r.id)?.join(' | ')})`],
      );
      expect(wrong).toEqual([]);
      // a verdict passes when the kernel's answer is inside what the model allows: the model allows a range
      // only where a send may go short without waiting (MSG_DONTWAIT over a full stream socket), and
      // elsewhere predicts exactly what the kernel did
      const ranged = refs.flatMap((r) => {
        const sc = r.spec.spec.scenarios[r.index]!;
        const pr = predict(sc, p);
        return pr.kind === 'prediction' && pr.requests.some((q) => q.cqes.some((c) => !('exact' in c.res))) ? [sc.id] : [];
      });
      expect(ranged.sort()).toEqual(name === 'sendzc-provided-rfc' ? [...MAY_GO_SHORT, 'zc-partial-bundle-dontwait'].sort() : MAY_GO_SHORT);
    });
  }
});
