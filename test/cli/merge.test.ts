// `uringspec report merge` through the CLI: a whole set of shards merges into
// the verdict, anything else (a missing or duplicated shard, another corpus, an
// unsharded report, a file that is not a report) is exit 2 naming the problem.
// The shards are cut from a real host run's report by the gate's own rule.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/report.ts';
import { shardOf } from '../../src/specs/select.ts';

const cli = (...args: string[]) => execa('node', ['bin/uringspec.mjs', ...args], { reject: false });
const dir = mkdtempSync(join(tmpdir(), 'uspec-merge-'));
const T = 60_000;

async function hostReport(spec: string, out: string): Promise<RunReport> {
  const r = await cli('run', spec, '--report', 'json', '--out', out, '--quiet');
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as RunReport;
}

/** Shard i/n of a report, as `gate --shard i/n` would have written it. */
function writeShard(full: RunReport, index: number, count: number, name: string): string {
  const shard: RunReport = {
    ...full,
    shard: { index, count },
    kernels: full.kernels.map((k) => ({ ...k, results: shardOf(k.results, { index, count }) })),
  };
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(shard));
  return f;
}

let full: RunReport;
let shards: string[];

beforeAll(async () => {
  full = await hostReport('test/fixtures/basic.yaml', join(dir, 'full.json'));
  shards = [1, 2, 3].map((i) => writeShard(full, i, 3, `s${i}.json`));
}, T);

describe('report merge', () => {
  it('every report names its corpus and its kernel image', () => {
    expect(full.corpus?.count).toBe(5);
    expect(full.corpus?.ids).toEqual([...full.kernels[0]!.results.map((r) => r.id)].sort());
    expect(full.corpus?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(full.kernels[0]!.image).toEqual({ label: full.kernels[0]!.label, uname: expect.stringMatching(/\S+ #/) });
  });

  it(
    'a whole set of shards merges into the unsharded verdict',
    async () => {
      const out = join(dir, 'merged');
      const r = await cli('report', 'merge', ...shards, '--out', out);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/: 5\/5 pass$/m);
      const merged = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
      expect(merged.corpus).toEqual(full.corpus);
      expect(merged.mergedShards).toBe(3);
      expect(merged.kernels[0]!.results.map((x) => x.id)).toEqual(full.kernels[0]!.results.map((x) => x.id));
    },
    T,
  );

  it(
    'one shard alone is not a pass: exit 2 naming the missing shards',
    async () => {
      const r = await cli('report', 'merge', shards[0]!, '--out', join(dir, 'm1'));
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe('uringspec report: 2 shards of 3 missing: 2/3, 3/3; their scenarios would never have run');
      expect(r.stdout).toBe('');
    },
    T,
  );

  it(
    'a shard given twice, or an unsharded report mixed in: exit 2',
    async () => {
      const twice = await cli('report', 'merge', shards[0]!, shards[1]!, shards[0]!, shards[2]!, '--out', join(dir, 'm2'));
      expect(twice.exitCode).toBe(2);
      expect(twice.stderr).toBe(`uringspec report: shard 1/3 is given twice: ${shards[0]} and ${shards[0]}`);
      const mixed = await cli('report', 'merge', ...shards, join(dir, 'full.json'), '--out', join(dir, 'm3'));
      expect(mixed.exitCode).toBe(2);
      expect(mixed.stderr).toBe(
        `uringspec report: ${join(dir, 'full.json')} is not a shard (run without --shard): it cannot be merged with other reports`,
      );
    },
    T,
  );

  it(
    'shards of a corpus whose content changed (same ids) are refused',
    async () => {
      const spec = join(dir, 'edited.yaml');
      copyFileSync('test/fixtures/basic.yaml', spec);
      writeFileSync(spec, readFileSync(spec, 'utf8').replace(/title: (.*)/, 'title: $1, edited'));
      const edited = await hostReport(spec, join(dir, 'edited.json'));
      expect(edited.corpus?.ids).toEqual(full.corpus?.ids);
      const other = writeShard(edited, 2, 3, 'edited-s2.json');
      const r = await cli('report', 'merge', shards[0]!, other, shards[2]!, '--out', join(dir, 'm4'));
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^uringspec report: ${shards[0]} and ${other} ran different corpora \\(5 scenarios, hash [0-9a-f]{12} vs 5, hash [0-9a-f]{12}: the same ids, with different content\\)$`,
        ),
      );
    },
    T,
  );

  it(
    'a file that is not a report: exit 2 naming it, never an internal error',
    async () => {
      const f = join(dir, 'null.json');
      writeFileSync(f, 'null');
      const r = await cli('report', 'merge', f, '--out', join(dir, 'm5'));
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^uringspec report: ${f}: not a uringspec JSON report$`, 'm'));
      // Hand-edited reports: each damage named, none reaching a reporter.
      const damaged: [string, (r: RunReport) => unknown][] = [
        ['kernels[0].target is not {kind, kernel}', (x) => ({ ...x, kernels: [{ ...x.kernels[0], target: undefined }] })],
        [
          'kernels[0].results[1] has status "weird"',
          (x) => ({
            ...x,
            kernels: [{ ...x.kernels[0], results: x.kernels[0]!.results.map((y, i) => (i === 1 ? { ...y, status: 'weird' } : y)) }],
          }),
        ],
        [
          'kernels[0].results[0] diffs is not a list of {where, field, expected, got}',
          (x) => ({ ...x, kernels: [{ ...x.kernels[0], results: x.kernels[0]!.results.map((y) => ({ ...y, diffs: null })) }] }),
        ],
        ['"corpus" is not {count, hash, ids}', (x) => ({ ...x, corpus: { ...x.corpus, ids: 5 } })],
        ['"shard" is not {index, count} with 1 <= index <= count', (x) => ({ ...x, shard: { index: 3, count: 2 } })],
      ];
      for (const [i, [message, damage]] of damaged.entries()) {
        const g = join(dir, `damaged-${i}.json`);
        writeFileSync(g, JSON.stringify(damage(full)));
        const b = await cli('report', 'merge', g, '--out', join(dir, `m6-${i}`));
        expect(b.exitCode).toBe(2);
        expect(b.stderr).toContain(`uringspec report: ${g}: ${message}`);
        expect(b.stderr).not.toMatch(/internal error/);
      }
      // The undamaged report alone merges (one unsharded report is its own whole set).
      const alone = await cli('report', 'merge', join(dir, 'full.json'), '--out', join(dir, 'm7'));
      expect(alone.exitCode, alone.stderr).toBe(0);
    },
    T,
  );
});
