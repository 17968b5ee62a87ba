// The lines a series adds, found the way the build leaves them (one commit per
// patch over tag "base"), and folded with line counts: which patch and hunk
// each final line came from, lines a later patch changed or deleted, files
// with no counters, counted files outside the series, the summary line.
import { beforeAll, describe, expect, it } from 'vitest';
import { coverageLine, unreachedList } from '../../src/coverage/format.ts';
import { CoverageFolder, mergeCoverage } from '../../src/coverage/series-coverage.ts';
import { lineKey, seriesLines, type SeriesMap } from '../../src/coverage/series-lines.ts';

import { SERIES_PATCHES as patches, seriesRepo as repo } from './series-repo.ts';

describe('series lines', () => {
  let map: SeriesMap;
  beforeAll(async () => {
    const tree = repo();
    map = await seriesLines({ tree, branch: 'HEAD', patches, series: [1, 2, 3] });
  });

  it('names the patch and hunk of every final line the series added', () => {
    expect(map.patches.map((p) => p.number)).toEqual(['1/3', '2/3', '3/3']);
    const at = (f: string, l: number) => {
      const o = map.origin.get(lineKey(f, l));
      return o && `${map.patches[o.patch]!.number} hunk ${map.patches[o.patch]!.hunks[o.hunk]!.index}`;
    };
    // final a.c: base 1, prereq 2, base 3-5, X1 (6), X2' (7), X3 (8), base 6-12
    expect(at('a.c', 6)).toBe('1/3 hunk 1');
    expect(at('a.c', 7)).toBe('2/3 hunk 1');
    expect(at('a.c', 8)).toBe('1/3 hunk 1');
    expect(at('a.c', 2)).toBeUndefined(); // the prerequisite's
    expect(at('a.c', 5)).toBeUndefined(); // the base's
    expect(at('b.c', 1)).toBe('2/3 hunk 3');
    expect(at('h.h', 1)).toBe('3/3 hunk 1');
    expect(map.origin.size).toBe(6);
  });

  it('marks added lines a later patch changed or deleted as not in the final tree', () => {
    const one = map.patches[0]!;
    const added = one.hunks.flatMap((h) => h.lines.filter((l) => l.kind === '+'));
    expect(added.map((l) => [l.text, l.final])).toEqual([
      ['X1;', 6],
      ['X2;', undefined],
      ['X3;', 8],
      ['Y1;', undefined],
    ]);
    expect(one.hunks.map((h) => h.header)).toEqual([expect.stringMatching(/^@@ -3,6 \+3,9 @@/), expect.stringMatching(/^@@ .* @@/)]);
  });

  it('folds line counts: executed, unreached, not executable, not instrumented, outside the series', () => {
    const f = new CoverageFolder(map, 'k-coverage');
    // scenario s1 runs X1; X3 is executable and never run; X2' has no count (a declaration, say)
    const s1 = f.add(
      's1',
      new Map([
        [
          'a.c',
          new Map([
            [6, 3],
            [8, 0],
            [1, 5],
          ]),
        ],
        [
          'other.c',
          new Map([
            [10, 1],
            [11, 0],
          ]),
        ],
      ]),
      [{ file: 'io_uring/x.gcda', why: 'the build has no .gcno notes for it' }],
    );
    expect([...s1.lines]).toEqual(['a.c:6']);
    const s2 = f.add(
      's2',
      new Map([
        [
          'a.c',
          new Map([
            [6, 1],
            [8, 0],
          ]),
        ],
      ]),
    );
    expect([...s2.lines]).toEqual(['a.c:6']);
    f.missing('s3', 'crashed: the guest could not send its counters');
    const c = f.result();
    expect({ added: c.added, executable: c.executable, executed: c.executed }).toEqual({ added: 6, executable: 2, executed: 1 });
    const status = (pi: number) =>
      c.patches[pi]!.hunks.flatMap((h) =>
        h.lines.filter((l) => l.kind === '+').map((l) => `${l.text}=${l.status}${l.scenarios ? `x${l.scenarios}` : ''}`),
      );
    expect(status(0)).toEqual(['X1;=executedx2', 'X2;=superseded', 'X3;=unreached', 'Y1;=superseded']);
    expect(status(1)).toEqual(["X2';=not-executable", 'B1;=not-instrumented', 'B2;=not-instrumented']);
    expect(c.patches[0]!.hunks[0]!.unreached).toEqual([8]);
    expect(c.scenarios).toEqual([
      { id: 's1', patches: { '1/3': 1 }, lines: 1 },
      { id: 's2', patches: { '1/3': 1 }, lines: 1 },
    ]);
    expect(c.withoutCoverage).toEqual([{ id: 's3', why: 'crashed: the guest could not send its counters' }]);
    expect(c.outside).toEqual([{ file: 'other.c', executable: 2, executed: 1 }]);
    expect(c.notInstrumented).toEqual([
      { file: 'b.c', lines: 2 },
      { file: 'h.h', lines: 1 },
    ]);
    expect(c.unmapped).toEqual([{ file: 'io_uring/x.gcda', why: 'the build has no .gcno notes for it' }]);
    expect(unreachedList(c.patches)).toEqual(['a.c:8 (1/3 hunk 1)']);
    expect(coverageLine(c)).toBe('series coverage: 1/2 added lines (50%), 1 unreached: a.c:8 (1/3 hunk 1)');
  });

  it('joins sharded runs: a line any shard executed is executed', () => {
    const a = new CoverageFolder(map, 'k');
    a.add(
      's1',
      new Map([
        [
          'a.c',
          new Map([
            [6, 1],
            [8, 0],
          ]),
        ],
      ]),
    );
    const b = new CoverageFolder(map, 'k');
    b.add(
      's2',
      new Map([
        [
          'a.c',
          new Map([
            [6, 0],
            [8, 4],
          ]),
        ],
      ]),
    );
    const m = mergeCoverage(a.result(), b.result());
    expect({ executable: m.executable, executed: m.executed }).toEqual({ executable: 2, executed: 2 });
    expect(m.scenarios.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(coverageLine(m)).toBe('series coverage: 2/2 added lines (100%)');
  });
});
