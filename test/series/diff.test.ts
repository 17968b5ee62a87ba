// parseDiff (src/series/diff.ts) on a `git show` text written out here: the
// commit header skipped, a changed file with two hunks, a new file, a deleted
// file, a "\ No newline" marker, paths with git's tab suffix; every line number
// expected is counted by hand from the hunk headers.
import { describe, expect, it } from 'vitest';
import { parseDiff } from '../../src/series/diff.ts';

const SHOW = [
  'commit 0123456789abcdef0123456789abcdef01234567',
  'Author: A <a@example.org>',
  '',
  '    io_uring: a change',
  '',
  '--- not a file header: before the first diff --git',
  'diff --git a/io_uring/net.c b/io_uring/net.c',
  'index 1111111..2222222 100644',
  '--- a/io_uring/net.c',
  '+++ b/io_uring/net.c',
  '@@ -10,3 +10,4 @@ int io_send(struct io_kiocb *req)',
  ' keep 10',
  '-old 11',
  '+new 11',
  '+new 12',
  ' keep 12/13',
  '@@ -40 +41,2 @@',
  '+added 41',
  ' ctx 40/42',
  '\\ No newline at end of file',
  'diff --git a/io_uring/new.c b/io_uring/new.c',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/io_uring/new.c\t(tab suffix)',
  '@@ -0,0 +1,2 @@',
  '+line 1',
  '+line 2',
  'diff --git a/io_uring/gone.c b/io_uring/gone.c',
  'deleted file mode 100644',
  '--- a/io_uring/gone.c',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-only line',
  '',
].join('\n');

// parsed inside each test, not when the file is collected: a mutation-testing run activates its mutant per test
describe('parseDiff', () => {
  it('one entry per diff --git, the commit header before it skipped', () => {
    const files = parseDiff(SHOW);
    expect(files.map((f) => [f.oldPath, f.newPath])).toEqual([
      ['io_uring/net.c', 'io_uring/net.c'],
      [undefined, 'io_uring/new.c'],
      ['io_uring/gone.c', undefined],
    ]);
    expect('oldPath' in files[1]!).toBe(false);
    expect('newPath' in files[2]!).toBe(false);
  });
  it('hunks with their headers and starts; each line numbered on the side it exists on', () => {
    const [a, b] = parseDiff(SHOW)[0]!.hunks;
    expect(a!.header).toBe('@@ -10,3 +10,4 @@ int io_send(struct io_kiocb *req)');
    expect([a!.oldStart, a!.newStart, b!.oldStart, b!.newStart]).toEqual([10, 10, 40, 41]);
    expect(a!.lines).toEqual([
      { kind: ' ', text: 'keep 10', oldLine: 10, newLine: 10 },
      { kind: '-', text: 'old 11', oldLine: 11 },
      { kind: '+', text: 'new 11', newLine: 11 },
      { kind: '+', text: 'new 12', newLine: 12 },
      { kind: ' ', text: 'keep 12/13', oldLine: 12, newLine: 13 },
    ]);
    // the "\ No newline" marker carries no line
    expect(b!.lines).toEqual([
      { kind: '+', text: 'added 41', newLine: 41 },
      { kind: ' ', text: 'ctx 40/42', oldLine: 40, newLine: 42 },
    ]);
  });
  it('a new file counts from 1 on the new side, a deleted one on the old side', () => {
    const files = parseDiff(SHOW);
    expect(files[1]!.hunks[0]!.lines).toEqual([
      { kind: '+', text: 'line 1', newLine: 1 },
      { kind: '+', text: 'line 2', newLine: 2 },
    ]);
    expect(files[2]!.hunks[0]!.lines).toEqual([{ kind: '-', text: 'only line', oldLine: 1 }]);
  });
  it('a diff --git line it cannot split keeps the --- / +++ paths; a path without the a/ prefix is kept whole', () => {
    const odd = parseDiff(['diff --git weird', '--- x/one.c', '+++ b/two.c', '@@ -1 +1 @@', '-a', '+b'].join('\n'));
    expect(odd.map((f) => [f.oldPath, f.newPath])).toEqual([['x/one.c', 'two.c']]);
    expect(parseDiff('no diff here\n+not a line\n')).toEqual([]);
    // a mode-only change has no --- / +++ lines: the paths come from the diff --git line
    expect(parseDiff('diff --git a/tools/run.sh b/tools/run.sh\nold mode 100644\nnew mode 100755\n')).toEqual([
      { oldPath: 'tools/run.sh', newPath: 'tools/run.sh', hunks: [] },
    ]);
  });
});
