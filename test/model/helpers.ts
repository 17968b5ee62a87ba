// Builds scenarios from compact literals (through the zod schema, so defaults
// are filled exactly as the loader fills them) and summarises predictions.
import { Scenario } from '../../src/specs/schema.ts';
import type { Prediction, NoOracle } from '../../src/model/index.ts';
import type { Observation, ObservedCqe } from '../../src/exec/events.ts';

export function scenario(partial: Record<string, unknown>): Scenario {
  return Scenario.parse({ id: 't', title: 't', ...partial });
}

export function asPrediction(p: Prediction | NoOracle): Prediction {
  if (p.kind !== 'prediction') throw new Error(`no oracle: ${p.reason}`);
  return p;
}

/** [[res, flags], ...] per user_data, exact results only. */
export function cqesOf(p: Prediction | NoOracle): Record<string, [number | string, number][]> {
  const out: Record<string, [number | string, number][]> = {};
  for (const r of asPrediction(p).requests)
    out[String(r.userData)] = r.cqes.map((c) => ['exact' in c.res ? c.res.exact : `${c.res.min}..${c.res.max}`, c.flags]);
  return out;
}

export function finalHead(p: Prediction | NoOracle, bgid: number): number | undefined {
  const q = asPrediction(p);
  return q.heads.filter((h) => h.bgid === bgid).at(-1)?.head;
}

/** An observation exactly as the prediction says (exact results; ranges take their max), peer bytes supplied. */
export function observationOf(p: Prediction, peer: Buffer, datagrams: number[] = []): Observation {
  const cqes: ObservedCqe[] = [];
  for (const r of p.requests)
    for (const c of r.cqes)
      cqes.push({ seq: cqes.length, step: r.step, userData: r.userData, res: 'exact' in c.res ? c.res.exact : c.res.max, flags: c.flags });
  return {
    scenario: 't',
    cqes,
    extra: [],
    heads: p.heads.map((h) => ({ step: h.step, bgid: h.bgid, head: h.head })),
    waits: [],
    peer,
    datagrams,
    complete: true,
    stray: [],
  };
}
