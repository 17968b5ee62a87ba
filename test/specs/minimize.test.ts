// Minimization judged in chunks (src/specs/minimize.ts): the same candidate
// is kept as when every candidate of a round is judged at once, with fewer
// runs. The "kernel" here is a rule over the scenario: it fails while step 2
// is a send_zc with IO_DRAIN after another request, whatever else is there.
import { describe, expect, it } from 'vitest';
import { minimize, reductions, scenarioBytes } from '../../src/specs/minimize.ts';
import { loadSpecText } from '../../src/specs/load.ts';
import type { Scenario } from '../../src/specs/schema.ts';

const start = (() => {
  const r = loadSpecText(
    'drain.yaml',
    `version: 1
scenarios:
  - id: drain
    title: a drained send_zc after a failed one, padded
    registered_buffers: { count: 3, size: 8192 }
    buffer_rings:
      - { bgid: 1, entries: 4, buffers: [ { regbuf: { index: 0, offset: 0, len: 100 } }, { regbuf: { index: 1, offset: 8, len: 64 } } ] }
      - { bgid: 2, entries: 2, buffers: [] }
    steps:
      - send_zc: { buf_group: 2, flags: [FIXED_BUF] }
      - send_zc: { buf_group: 1, len: 300, sqe_flags: [IO_DRAIN], flags: [FIXED_BUF, BUNDLE] }
      - peer_drain: {}
      - send: { buf_group: 1 }
`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.loaded.spec.scenarios[0]!;
})();

const SIG = 'fail:cqe.count[sqe.drain]';
const fails = (sc: Scenario) => {
  const ops = sc.steps.flatMap((s) => ('send_zc' in s ? [s.send_zc] : 'send' in s ? [s.send] : []));
  return ops.length >= 2 && (ops[1]!.sqe_flags as string[]).includes('IO_DRAIN');
};

function judgeWith(calls: number[]) {
  return async (batch: Scenario[]) => {
    calls.push(batch.length);
    return batch.map((sc) => (fails(sc) ? SIG : undefined));
  };
}

describe('minimize in chunks', () => {
  it('keeps the same candidates as judging a whole round at once, with fewer runs, no call past the chunk', async () => {
    const all: number[] = [];
    const whole = await minimize(start, SIG, judgeWith(all));
    const some: number[] = [];
    const chunked = await minimize(start, SIG, judgeWith(some), { chunk: 3 });
    expect(chunked.scenario).toEqual(whole.scenario);
    expect(chunked.changes).toEqual(whole.changes);
    expect(chunked.rounds).toBe(whole.rounds);
    // what is left: the two requests (the drain on the second), nothing the rule does not need
    expect(whole.scenario.steps.map((s) => Object.keys(s)[0])).toEqual(['send_zc', 'send_zc']);
    expect(whole.changes.length).toBeGreaterThan(5);
    expect(Math.max(...some)).toBeLessThanOrEqual(3);
    expect(chunked.runs).toBe(some.reduce((a, b) => a + b, 0));
    expect(whole.runs).toBe(all.reduce((a, b) => a + b, 0));
    expect(chunked.runs).toBeLessThan(whole.runs / 2);
    // a round that finds nothing judges every candidate, chunk by chunk, and ends
    const last = reductions(chunked.scenario).length;
    expect(some.slice(-Math.ceil(last / 3)).reduce((a, b) => a + b, 0)).toBe(last);
  });

  it('classic provided buffers shrink too: fewer and smaller, counted in the bytes a scenario allocates', async () => {
    // the fuzzer's FIXED_BUF-on-classic crash came with 255 buffers of 262143 bytes (64 MiB) that nothing reduced
    const r = loadSpecText(
      'classic.yaml',
      `version: 1
scenarios:
  - id: classic
    title: FIXED_BUF on a classic group of plain memory
    provided_buffers: [ { bgid: 0, count: 255, size: 262143 } ]
    steps:
      - send: { buf_group: 0 }
      - send_zc: { buf_group: 0, flags: [FIXED_BUF] }
`,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const big = r.loaded.spec.scenarios[0]!;
    expect(scenarioBytes(big)).toBe(255 * 262143);
    const crash = 'crash:BUG: kernel NULL pointer dereference in io_send_zc';
    const min = await minimize(big, crash, async (b) =>
      b.map((sc) =>
        sc.provided_buffers.length && sc.steps.some((s) => 'send_zc' in s && s.send_zc.flags.includes('FIXED_BUF')) ? crash : undefined,
      ),
    );
    expect(min.scenario.provided_buffers).toEqual([{ bgid: 0, start_bid: 0, count: 1, size: 1, fill: 'tagged' }]);
    expect(min.scenario.steps).toHaveLength(1);
    expect(scenarioBytes(min.scenario)).toBe(1);
  });
});
