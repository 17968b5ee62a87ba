import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../src/report/merge.ts';
import type { RunReport } from '../../src/report/report.ts';
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
const rep = (results: ScenarioResult[], peer = false): RunReport => ({
  tool: 'uringspec',
  version: '0.1.0',
  startedAt: '2026-11-26T10:00:00.000Z',
  durationMs: 10,
  incomplete: false,
  kernels: [
    {
      label: 'rfc',
      profile: 'rfc-v1',
      target: { kind: 'qemu', kernel: 'k' },
      results,
      ...(peer ? { peer: [{ test: 'send_recv', status: 'fail', exitCode: 1, durationMs: 1, kernelSplats: [], tail: '' }] } : {}),
    },
    {
      label: 'baseline',
      profile: 'baseline',
      target: { kind: 'qemu', kernel: 'k' },
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
    const shards = [1, 2].map((i) => rep(shardOf(all, { index: i, count: 2 }), i === 1));
    const merged = mergeReports(shards);
    expect(merged.kernels.map((k) => k.results.map((r) => r.id))).toEqual([ids, ids]);
    expect(merged.kernels[0]!.peer).toHaveLength(1);
    expect(merged.regressions).toEqual(['send_recv']);
    expect(merged.incomplete).toBe(false);
  });
});
