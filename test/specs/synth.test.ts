// The scenario synthesizer (specs/synth): every generated scenario is a
// valid spec (the loader's full check, also written to YAML and loaded
// back), the same seed gives the same scenarios, the schema's every branch
// and enum value is reached without generator code naming it, boundary
// values are taken and combined pairwise, repairs and mutations keep
// scenarios valid.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MODEL_LIMITS } from '../../src/model/limits.ts';
import { loadSpecText } from '../../src/specs/load.ts';
import { specText, validScenario } from '../../src/specs/memory.ts';
import { Scenario, type Scenario as ScenarioT } from '../../src/specs/schema.ts';
import { buildScenario, reachable, type NumberSite } from '../../src/specs/synth/builder.ts';
import { Pool } from '../../src/specs/synth/feedback.ts';
import { Synth, type Candidate } from '../../src/specs/synth/index.ts';
import { mutateOne, splice } from '../../src/specs/synth/mutate.ts';
import { coveringRows, itemsOf, itemsTaken } from '../../src/specs/synth/pairwise.ts';
import { repairScenario } from '../../src/specs/synth/repair.ts';
import { Rng } from '../../src/specs/synth/rng.ts';
import { nodeOf } from '../../src/specs/synth/schema-node.ts';

// generation is CPU work: on a loaded 2-core machine a few hundred scenarios take seconds
vi.setConfig({ testTimeout: 120_000 });

/** A run with feedback that keeps whatever brings new structure, so mutations and splices happen. */
function feedbackRun(seed: number, n: number, noBoundaryPhase = false): Candidate[] {
  const s = new Synth({ seed, limits: MODEL_LIMITS, noBoundaryPhase, maxBoundaryRows: 60 });
  const out: Candidate[] = [];
  while (out.length < n) {
    const batch = s.next(Math.min(25, n - out.length));
    for (const c of batch) s.feedback(c, c.built.structure);
    out.push(...batch);
  }
  return out;
}

function loadsBack(sc: ScenarioT): void {
  const r = loadSpecText('generated.yaml', specText([sc]));
  if (!r.ok) throw new Error(`${sc.id}: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  expect(r.loaded.spec.scenarios[0]).toEqual(sc);
}

describe('synthesizer: validity', () => {
  it('every generated scenario (boundary rows, random, mutations, splices) passes the loader after a YAML round trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, noBoundary) => {
        for (const c of feedbackRun(seed, 40, noBoundary)) loadsBack(c.scenario);
      }),
      { numRuns: 12, seed: 42 },
    );
  }, 120_000);

  it('all origins occur, and the acceptance rate (valid after repair / built) is high', () => {
    const s = new Synth({ seed: 3, limits: MODEL_LIMITS, maxBoundaryRows: 150 });
    const all: Candidate[] = [];
    while (all.length < 500) {
      const b = s.next(50);
      for (const c of b) s.feedback(c, c.built.structure);
      all.push(...b);
    }
    const origins = new Set(all.map((c) => c.origin));
    expect([...origins].sort()).toEqual(['boundary', 'mutate', 'random', 'splice']);
    expect(s.stats.rejected / s.stats.built).toBeLessThan(0.05);
    expect(new Set(all.map((c) => c.scenario.id)).size).toBe(all.length);
  }, 120_000);

  it('repair satisfies the cross-field rules and keeps the boundary it can', () => {
    const r = repairScenario({
      id: 'r',
      title: 't',
      registered_buffers: { count: 1, size: 4096 },
      buffer_rings: [
        { bgid: 1, entries: 1, abi: 'rfc-rev', buffers: [{ regbuf: { index: 2 ** 20, offset: 0, len: 1 } }, { plain: { size: 8 } }] },
        { bgid: 1, entries: 2 },
      ],
      steps: [
        { send_zc: { source: { regbuf: { index: 0, offset: 0 } }, len: 10 } },
        { send: { source: { plain: { size: 4 } }, len: 9, user_data: 1 } },
        { ring_add: { bgid: 7, buffers: [{ plain: { size: 1 } }] } },
      ],
    });
    expect(r.scenario).toBeDefined();
    const sc = r.scenario!;
    expect(sc.buffer_rings[0]!.buffers).toHaveLength(1);
    expect(sc.buffer_rings[0]!.buffers[0]).toEqual({ regbuf: { index: 2 ** 20 - 1, offset: 0, len: 1 } });
    expect(new Set(sc.buffer_rings.map((b) => b.bgid)).size).toBe(2);
    expect((sc.steps[0] as { send_zc: { flags: string[] } }).send_zc.flags).toContain('FIXED_BUF');
    expect((sc.steps[1] as { send: { len: number; user_data?: unknown } }).send).toMatchObject({ len: 4 });
    expect((sc.steps[1] as { send: { user_data?: unknown } }).send.user_data).toBeUndefined();
    expect(sc.steps[2]).toEqual({ ring_add: { bgid: 1, buffers: [{ plain: { size: 1, fill: 'tagged' } }] } });
    expect(validScenario(sc)).toBeDefined();
  });

  it('more requests than the SQ ring holds get a submit in between (the program would die with sq_full)', () => {
    const r = repairScenario({ id: 'q', title: 't', ring: { entries: 1 }, steps: [{ send: {} }, { send: {} }, { send: {} }] });
    expect(r.scenario!.steps.map((s) => Object.keys(s)[0])).toEqual(['send', 'submit', 'send', 'submit', 'send']);
  });
});

describe('synthesizer: determinism', () => {
  it('the same seed (and the same feedback) gives the same scenarios in the same order; another seed does not', () => {
    const a = feedbackRun(11, 120).map((c) => c.scenario);
    expect(feedbackRun(11, 120).map((c) => c.scenario)).toEqual(a);
    expect(feedbackRun(12, 120).map((c) => c.scenario)).not.toEqual(a);
  }, 60_000);
});

describe('synthesizer: reaches the whole spec language', () => {
  it('every union branch and enum value of the schema (read from the schema, not listed here) is generated', () => {
    const want = reachable(nodeOf(Scenario), '');
    // the test would be empty if the walk found nothing
    expect(want.size).toBeGreaterThan(60);
    for (const f of [
      'steps[]#send_zc',
      'steps[]#ring_add',
      'socket.type=unix-dgram',
      'steps[].send_zc.flags=FIXED_BUF',
      'ring.flags=SUBMIT_ALL',
    ])
      expect(want).toContain(f);
    const s = new Synth({ seed: 5, limits: MODEL_LIMITS, maxBoundaryRows: 300 });
    const seen = new Set(s.next(600).flatMap((c) => c.built.structure));
    expect([...want].filter((f) => !seen.has(f))).toEqual([]);
  }, 120_000);

  it('sequences mix requests: fixed and plain, classic and ring, bundle and single, with waits, submits and peer reads between', () => {
    const scs = feedbackRun(9, 400).map((c) => c.scenario);
    const kinds = (sc: ScenarioT) => sc.steps.map((s) => Object.keys(s)[0]);
    const mixed = scs.filter((sc) => {
      const k = kinds(sc);
      return (
        k.filter((x) => x === 'send' || x === 'send_zc').length >= 2 && k.some((x) => x === 'wait' || x === 'submit' || x === 'peer_recv')
      );
    });
    expect(mixed.length).toBeGreaterThan(20);
    const both = scs.filter((sc) => sc.buffer_rings.length && sc.provided_buffers.length);
    expect(both.length).toBeGreaterThan(5);
    expect(scs.some((sc) => sc.steps.some((s) => 'ring_add' in s) && sc.steps.findIndex((s) => 'ring_add' in s) > 0)).toBe(true);
  }, 120_000);
});

describe('synthesizer: what the series is about', () => {
  it('most send_zc requests are FIXED_BUF (sites.ts setChance), and the boundary phase makes bundles over registered-buffer rings', () => {
    // random draws: a flag's chance is its setChance once every value has been seen
    const rng = new Rng(3);
    const zcs = Array.from({ length: 300 }, () => buildScenario({ rng, limits: MODEL_LIMITS, boundaryBias: 0 }).value as ScenarioT)
      .flatMap((sc) => sc.steps)
      .flatMap((st) => ('send_zc' in st ? [st.send_zc] : []));
    const share = (f: string) => zcs.filter((z) => (z.flags ?? []).includes(f as never)).length / zcs.length;
    expect(zcs.length).toBeGreaterThan(100);
    expect(share('FIXED_BUF')).toBeGreaterThan(0.55);
    expect(share('BUNDLE')).toBeGreaterThan(0.3);
    expect(share('POLL_FIRST')).toBeLessThan(0.3);
    // the first 600 boundary rows: FIXED_BUF bundles selecting a ring of registered-buffer entries (which
    // skeletons a seed draws moves this a lot, 20 to 54 of 600 for seeds 1-4: counted over the four)
    const fixedBundles = [1, 2, 3, 4].flatMap((seed) =>
      new Synth({ seed, limits: MODEL_LIMITS, maxBoundaryRows: 600 })
        .next(600)
        .filter(({ scenario: sc }) =>
          sc.steps.some(
            (st) =>
              'send_zc' in st &&
              st.send_zc.flags.includes('FIXED_BUF') &&
              st.send_zc.flags.includes('BUNDLE') &&
              sc.buffer_rings.some((r) => r.bgid === st.send_zc.buf_group && r.buffers.some((e) => 'regbuf' in e)),
          ),
        ),
    );
    expect(fixedBundles.length).toBeGreaterThan(100);
  });

  it('after the boundary phase a ring entry mostly names a slice that sends, and often the one after the previous entry', () => {
    // boundaryShare 0.3 on regbuf.index/offset/len, regbufRandom continuing the previous slice (sites.ts) (2026-11-28, seed 1,
    // 1200 fresh scenarios: valid entries 21% -> 40%, rings of 2+ registered-buffer entries all valid 12 -> 41)
    const rng = new Rng(5);
    let entries = 0;
    let valid = 0;
    let contiguous = 0;
    let allValid = 0;
    for (let i = 0; i < 400; i++) {
      const sc = buildScenario({ rng, limits: MODEL_LIMITS, boundaryBias: 0.35 }).value as ScenarioT;
      const sizes = regbufSizes(sc);
      for (const r of sc.buffer_rings ?? []) {
        const es = (r.buffers ?? []).flatMap((e) => ('regbuf' in e ? [e.regbuf] : []));
        const ok = es.filter((g) => g.index < sizes.length && g.len > 0 && g.offset + g.len <= sizes[g.index]!);
        entries += es.length;
        valid += ok.length;
        if (es.length >= 2 && ok.length === es.length) allValid++;
        es.forEach((g, k) => {
          const p = es[k - 1];
          if (p && g.index === p.index && g.offset === p.offset + p.len && ok.includes(g) && ok.includes(p)) contiguous++;
        });
      }
    }
    expect(entries).toBeGreaterThan(300);
    expect(valid / entries).toBeGreaterThan(0.33);
    expect(contiguous).toBeGreaterThan(10);
    expect(allValid).toBeGreaterThan(8);
    // the boundary phase still takes the edges: its entries mostly do not send
    const b = new Synth({ seed: 1, limits: MODEL_LIMITS, maxBoundaryRows: 300 }).next(300).map((c) => c.scenario);
    const bes = b.flatMap((sc) =>
      sc.buffer_rings.flatMap((r) => r.buffers.flatMap((e) => ('regbuf' in e ? [{ g: e.regbuf, sizes: regbufSizes(sc) }] : []))),
    );
    const bvalid = bes.filter(({ g, sizes }) => g.index < sizes.length && g.len > 0 && g.offset + g.len <= sizes[g.index]!);
    expect(bvalid.length / bes.length).toBeLessThan(0.15);
  });

  it('random draws: rings hold entries, mostly of one kind; a socket is set up; an index past 16 bits often names a buffer in its low bits', () => {
    // measured 2026-11-28 (seed 1, 1200 fresh scenarios after the boundary phase): 54% of rings were empty
    // (the schema's default `buffers: []` taken half the time), ring entries took their kind alone, and no
    // random regbuf index was past 2^16: the corpus's index-truncation and partial-bundle findings need these
    const rng = new Rng(6);
    let rings = 0;
    let empty = 0;
    let pairs = 0;
    let sameKind = 0;
    let sockets = 0;
    let big = 0;
    let aliased = 0;
    const kind = (e: object) => Object.keys(e).find((k) => ['regbuf', 'plain', 'raw'].includes(k));
    for (let i = 0; i < 400; i++) {
      const built = buildScenario({ rng, limits: MODEL_LIMITS, boundaryBias: 0.35 });
      const sc = built.value as ScenarioT;
      if (built.trace.get('socket#has') === 1) sockets++;
      const sizes = regbufSizes(sc);
      for (const r of sc.buffer_rings ?? []) {
        rings++;
        const es = r.buffers ?? [];
        if (!es.length) empty++;
        es.forEach((e, k) => {
          if (k > 0) {
            pairs++;
            if (kind(e) === kind(es[k - 1]!)) sameKind++;
          }
          if ('regbuf' in e && e.regbuf.index >= 1 << 16) {
            big++;
            const low = e.regbuf.index % (1 << 16);
            if (low < sizes.length && e.regbuf.offset + e.regbuf.len <= sizes[low]!) aliased++;
          }
        });
      }
    }
    expect(rings).toBeGreaterThan(300);
    expect(empty / rings).toBeLessThan(0.2);
    // branches alone (regbuf 4, plain 2, raw 1) give 21/49 = 43% same-kind neighbours; sameBranchAsSibling 0.7
    expect(sameKind / pairs).toBeGreaterThan(0.7);
    expect(sockets / 400).toBeGreaterThan(0.7);
    // an index past 2^16 whose low 16 bits name a registered buffer, with a slice that fits that buffer
    expect(aliased).toBeGreaterThan(5);
    expect(aliased / big).toBeGreaterThan(0.3);
  });
});

/** Sizes of a scenario's registered buffers, by index. */
function regbufSizes(sc: ScenarioT): number[] {
  const r = sc.registered_buffers;
  if (!r) return [];
  return Array.isArray(r) ? r.map((x) => x.size) : Array<number>(r.count).fill(r.size);
}

describe('synthesizer: boundary values', () => {
  const built = () => {
    const out = [];
    const rng = new Rng(1);
    for (let i = 0; i < 300; i++) out.push(buildScenario({ rng, limits: MODEL_LIMITS, boundaryBias: 1 }));
    return out;
  };

  it('numbers take their limits in the boundary phase: schema edges, the ABI bit widths, the model limits, relational values', () => {
    const s = new Synth({ seed: 1, limits: MODEL_LIMITS, maxBoundaryRows: 600 });
    const labels = new Set(s.next(600).flatMap((c) => [...c.built.labels].map(([k, l]) => `${k.replace(/\[\d+\]/g, '[]')}=${l}`)));
    for (const want of [
      'buffer_rings[].buffers[].regbuf.index=past-table',
      'buffer_rings[].buffers[].regbuf.index=2^16',
      'buffer_rings[].buffers[].regbuf.index=2^20-1',
      'buffer_rings[].buffers[].regbuf.offset=at-end',
      'buffer_rings[].buffers[].regbuf.offset=page-end',
      'buffer_rings[].buffers[].regbuf.len=cross-page',
      'buffer_rings[].buffers[].regbuf.len=to-end',
      'registered_buffers.size=64 KiB+1',
      'registered_buffers.size=UDP_MAX+1',
      'buffer_rings[].entries=PEEK_MAX_IMPORT',
      'steps[].send_zc.len=first-entry',
      'registered_buffers.placement.page_offset=max',
      'socket.sndbuf=ring-bytes/4',
    ])
      expect(labels).toContain(want);
    expect(labels).toContain('steps[].send_zc.len=max');
  });

  it('memory the guest fills or pins stays within 1 MiB a buffer in the boundary phase (a send len does not)', () => {
    const s = new Synth({ seed: 1, limits: MODEL_LIMITS, maxBoundaryRows: 600 });
    const sizes: number[] = [];
    const walk = (o: unknown, key: string): void => {
      if (Array.isArray(o)) o.forEach((x) => walk(x, key));
      else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, k);
      else if (key === 'size' && typeof o === 'number') sizes.push(o);
    };
    for (const c of s.next(600)) walk(c.scenario, '');
    expect(sizes.length).toBeGreaterThan(500);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1 << 20);
    expect(sizes.filter((n) => n > 65536).length).toBeGreaterThan(20);
  });

  it('a boundary label means the same boundary in another context: at-end is the named buffer size', () => {
    for (const b of built()) {
      const sc = b.value as {
        registered_buffers?: { size: number } | { size: number }[];
        buffer_rings?: { buffers: { regbuf?: { index: number; offset: number } }[] }[];
      };
      const regs = sc.registered_buffers;
      if (!regs || Array.isArray(regs)) continue;
      sc.buffer_rings?.forEach((r, ri) =>
        r.buffers?.forEach((e, ei) => {
          if (b.labels.get(`buffer_rings[${ri}].buffers[${ei}].regbuf.offset`) === 'at-end') expect(e.regbuf!.offset).toBe(regs.size);
        }),
      );
    }
  });

  it('the pairwise rows cover every label and every pair of labels of interacting fields', () => {
    const site = (key: string, parent: string, labels: string[], relates: string[] = []): NumberSite => ({
      key,
      pattern: key,
      parent,
      labels,
      relates,
    });
    const sites = [
      site('a.index', 'a', ['0', 'last', 'past', '2^16']),
      site('a.offset', 'a', ['0', 'end', 'page-end', 'past-end']),
      site('a.len', 'a', ['1', 'to-end', 'cross-page']),
      site('size', '', ['1', '4096', 'max'], []),
      site('b.len', 'b', ['0', '1', '4096'], ['size']),
      site('c.other', 'c', ['x', 'y']),
    ];
    const rows = coveringRows(sites, new Set(), new Rng(5), 1000);
    const taken = new Set(rows.flatMap((r) => itemsTaken(sites, r)));
    const wanted = itemsOf(sites);
    expect([...wanted].filter((i) => !taken.has(i))).toEqual([]);
    // interacting: a.* among themselves, b.len with size; not a.index with c.other
    expect(wanted).toContain('a.index=past & a.offset=end');
    expect(wanted).toContain('b.len=4096 & size=max');
    expect([...wanted].some((i) => i.includes('a.index') && i.includes('c.other'))).toBe(false);
    // fewer rows than all combinations of the largest interacting group (4 x 4 x 3)
    expect(rows.length).toBeLessThan(48);
    expect(rows.length).toBeGreaterThanOrEqual(16);
  });

  it('the boundary phase comes first and covers the items it plans', () => {
    const s = new Synth({ seed: 2, limits: MODEL_LIMITS, maxBoundaryRows: 200 });
    const first = s.next(150);
    expect(first.every((c) => c.origin === 'boundary')).toBe(true);
    const b = s.boundaryCoverage();
    expect(b.wanted).toBeGreaterThan(500);
    expect(b.planned).toBeGreaterThan(500);
    // what a row aims at, it mostly takes: a relational label may not apply in the row's context
    // (to-end after an offset past the end), and a repair may move a value
    expect(b.plannedCovered / b.planned).toBeGreaterThan(0.3);
  }, 60_000);
});

describe('synthesizer: feedback and mutation', () => {
  it('the pool keeps a scenario only when it reaches something new, and counts coverage by source', () => {
    const p = new Pool();
    const e = (id: string) => ({ id, trace: new Map(), sites: [] });
    expect(p.consider(e('a'), ['rule:x', 'outcome:y'])).toBe(true);
    expect(p.consider(e('b'), ['rule:x'])).toBe(false);
    expect(p.consider(e('c'), ['rule:x', 'verdict:fail'])).toBe(true);
    expect(p.entries.map((x) => x.id)).toEqual(['a', 'c']);
    expect(p.coverage()).toEqual({ rule: 1, outcome: 1, verdict: 1 });
  });

  it('a mutation changes one decision; a splice joins the steps of two scenarios', () => {
    const rng = new Rng(4);
    const a = buildScenario({ rng, limits: MODEL_LIMITS, boundaryBias: 0.5 });
    const m = mutateOne(a, rng);
    const changed = [...new Set([...a.trace.keys(), ...m.trace.keys()])].filter((k) => a.trace.get(k) !== m.trace.get(k));
    expect(changed.length).toBeGreaterThan(0);
    expect(m.change).not.toBe('');
    const b = buildScenario({ rng, limits: MODEL_LIMITS, boundaryBias: 0.5 });
    const s = splice(a.trace, b.trace, rng);
    const rebuilt = buildScenario({ rng, limits: MODEL_LIMITS, boundaryBias: 0.5, replay: s.trace });
    expect((rebuilt.value.steps as unknown[]).length).toBe(s.trace.get('steps#len'));
    expect(repairScenario(rebuilt.value).scenario).toBeDefined();
  });
});
