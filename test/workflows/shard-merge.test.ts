import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/report/merge.ts';
import type { RunReport } from '../../src/report/report.ts';
import { TerminalReporter } from '../../src/report/terminal.ts';
import type { ScenarioResult } from '../../src/judge/result.ts';
import { parseShard, shardOf } from '../../src/specs/select.ts';

const ids = Array.from({ length: 11 }, (_, i) => `s${i}`);
const res = (id: string, line: number): ScenarioResult => ({
  id,
  title: id,
  file: 'corpus/a.yaml',
  line,
  tags: [],
  status: 'pass',
  summary: '',
  diffs: [],
  pinConflicts: [],
  durationMs: 1,
  cqes: [],
  kernelSplats: [],
  reproduce: '',
});
const corpus = { count: ids.length, hash: 'c0ffee', ids: [...ids].sort() };
const rep = (results: ScenarioResult[], peer = false, shard?: { index: number; count: number }): RunReport => ({
  tool: 'uringspec',
  version: '0.1.0',
  startedAt: '2026-11-26T10:00:00.000Z',
  durationMs: 10,
  incomplete: false,
  corpus,
  ...(shard ? { shard } : {}),
  kernels: [
    {
      label: 'rfc',
      profile: 'rfc-v1',
      target: { kind: 'qemu', kernel: 'k' },
      image: { label: 'rfc', cacheKey: 'k1' },
      results,
      ...(peer ? { peer: [{ test: 'send_recv', status: 'fail', exitCode: 1, durationMs: 1, kernelSplats: [], tail: '' }] } : {}),
    },
    {
      label: 'baseline',
      profile: 'baseline',
      target: { kind: 'qemu', kernel: 'k' },
      image: { label: 'baseline', cacheKey: 'k2' },
      results,
      ...(peer ? { peer: [{ test: 'send_recv', status: 'pass', exitCode: 0, durationMs: 1, kernelSplats: [], tail: '' }] } : {}),
    },
  ],
});

describe('sharding', () => {
  it('parses i/n and rejects nonsense', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1-2']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('shards are disjoint, cover everything, and are deterministic', () => {
    const parts = [1, 2, 3].map((i) => shardOf(ids, { index: i, count: 3 }));
    expect(parts.flat().sort()).toEqual([...ids].sort());
    expect(new Set(parts.flat()).size).toBe(ids.length);
    expect(shardOf(ids, { index: 2, count: 3 })).toEqual(parts[1]);
  });

  it('merging shard reports equals the unsharded report', () => {
    const all = ids.map((id, i) => res(id, i + 1));
    const shards = [1, 2].map((i) => rep(shardOf(all, { index: i, count: 2 }), i === 1, { index: i, count: 2 }));
    const merged = mergeReports(shards);
    expect(merged.kernels.map((k) => k.results.map((r) => r.id))).toEqual([ids, ids]);
    expect(merged.kernels[0]!.peer).toHaveLength(1);
    expect(merged.regressions).toEqual(['send_recv']);
    expect(merged.incomplete).toBe(false);
    expect(merged.corpus).toEqual(corpus);
    expect(merged.mergedShards).toBe(2);
    // A shard says it is one; the merge does not.
    expect(new TerminalReporter().render(shards[0]!)).toContain('SHARD 1/2 of 11 scenarios: the verdict is the merge of every shard');
    expect(new TerminalReporter().render(merged)).not.toContain('SHARD');
  });

  it('refuses a set that is not whole: a missing or duplicated shard, another split, an unsharded report', () => {
    const all = ids.map((id, i) => res(id, i + 1));
    const shard = (i: number, n: number) => rep(shardOf(all, { index: i, count: n }), false, { index: i, count: n });
    const names = ['a.json', 'b.json', 'c.json'];
    expect(() => mergeReports([shard(1, 3), shard(3, 3)], names)).toThrow(
      /^shard of 3 missing: 2\/3; their scenarios would never have run$/,
    );
    expect(() => mergeReports([shard(1, 2), shard(1, 2), shard(2, 2)], names)).toThrow(/^shard 1\/2 is given twice: a\.json and b\.json$/);
    expect(() => mergeReports([shard(1, 2), shard(2, 3)], names)).toThrow(/a\.json is shard 1\/2 but b\.json is shard 2\/3/);
    expect(() => mergeReports([shard(1, 2), rep(all)], names)).toThrow(/^b\.json is not a shard/);
    // One shard of 61 merged alone: 60 missing, never a pass.
    expect(() => mergeReports([shard(1, 61)], names)).toThrow(/^60 shards of 61 missing: 2\/61, 3\/61, .* and 52 more;/);
  });

  it('refuses shards of different corpora or kernels, and a set without a result for every scenario', () => {
    const all = ids.map((id, i) => res(id, i + 1));
    const [a, b] = [1, 2].map((i) => rep(shardOf(all, { index: i, count: 2 }), false, { index: i, count: 2 }));
    const other = { ...b!, corpus: { count: 12, hash: 'beef', ids: [...ids, 'zz'].sort() } };
    expect(() => mergeReports([a!, other], ['a', 'b'])).toThrow(
      /^a and b ran different corpora \(11 scenarios, hash c0ffee vs 12, hash beef: only b has zz\)$/,
    );
    const rebuilt = { ...b!, kernels: b!.kernels.map((k) => (k.label === 'rfc' ? { ...k, image: { label: 'rfc', cacheKey: 'k9' } } : k)) };
    expect(() => mergeReports([a!, rebuilt], ['a', 'b'])).toThrow(
      /^a and b ran different kernels as rfc: rfc \(cache key k1\), model rfc-v1 vs rfc \(cache key k9\), model rfc-v1$/,
    );
    const lossy = { ...b!, kernels: b!.kernels.map((k) => ({ ...k, results: k.results.slice(1) })) };
    expect(() => mergeReports([a!, lossy], ['a', 'b'])).toThrow(/^rfc: the shards have no result for 1 of the 11 scenarios \(s1\)$/);
  });
});
