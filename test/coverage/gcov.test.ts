// One item's counters to line counts with the host's gcov, laid out as the
// QEMU target writes them (the guest's debugfs path: <objdir>/<object>.gcda)
// and paired with the build's .gcno notes: sources named relative to the
// tree, a header's lines counted, counters without notes listed, not dropped.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemCounts } from '../../src/coverage/gcov.ts';

describe('gcov line counts of one item', () => {
  it('counts each executable line of the sources and headers an object was built from', async () => {
    const root = mkdtempSync(join(tmpdir(), 'uspec-gcov-'));
    const tree = join(root, 'tree');
    const obj = join(root, 'obj');
    mkdirSync(join(tree, 'io_uring'), { recursive: true });
    mkdirSync(join(obj, 'io_uring'), { recursive: true });
    writeFileSync(
      join(tree, 'io_uring', 'k.h'),
      'static inline int twice(int x)\n{\n\tif (x > 100)\n\t\treturn puts("huge");\n\treturn 2 * x;\n}\n',
    );
    writeFileSync(
      join(tree, 'io_uring', 'k.c'),
      '#include <stdio.h>\n#include "k.h"\nint main(int argc, char **argv)\n{\n\t(void)argv;\n\tif (argc > 5)\n\t\treturn puts("many");\n\treturn twice(argc) - 2;\n}\n',
    );
    // as kbuild does with O=: run in the object dir, the source by absolute path
    execFileSync('gcc', ['-O2', '-fno-early-inlining', '--coverage', '-c', '-o', 'io_uring/k.o', join(tree, 'io_uring', 'k.c')], {
      cwd: obj,
    });
    execFileSync('gcc', ['--coverage', '-o', 'io_uring/k', 'io_uring/k.o'], { cwd: obj });
    execFileSync(join(obj, 'io_uring', 'k'), { cwd: obj });
    // the build keeps the notes; the guest's counters arrive under the item's dir by their debugfs path
    const notes = join(root, 'notes');
    mkdirSync(join(notes, 'io_uring'), { recursive: true });
    copyFileSync(join(obj, 'io_uring', 'k.gcno'), join(notes, 'io_uring', 'k.gcno'));
    const item = join(root, 'item');
    const inGuest = join(item, obj.slice(1), 'io_uring');
    mkdirSync(inGuest, { recursive: true });
    copyFileSync(join(obj, 'io_uring', 'k.gcda'), join(inGuest, 'k.gcda'));
    writeFileSync(join(inGuest, 'stray.gcda'), 'not from this build');
    mkdirSync(join(item, 'elsewhere'));
    writeFileSync(join(item, 'elsewhere', 'x.gcda'), '');

    const { counts, unmapped } = await itemCounts(item, { notes, objDir: obj, tree });
    expect([...counts.keys()].sort()).toEqual(['io_uring/k.c', 'io_uring/k.h']);
    const c = counts.get('io_uring/k.c')!;
    expect(c.get(6)).toBe(1); // if (argc > 5)
    expect(c.get(7)).toBe(0); // never run
    expect(c.get(8)).toBe(1);
    expect(c.has(5)).toBe(false); // (void)argv: nothing to count
    const h = counts.get('io_uring/k.h')!;
    expect(h.get(3)).toBe(1);
    expect(h.get(4)).toBe(0);
    expect(unmapped).toEqual([
      { file: 'elsewhere/x.gcda', why: `not under the build's object dir ${obj}` },
      { file: 'io_uring/stray.gcda', why: 'the build has no .gcno notes for it' },
    ]);

    // The guest sends an item's changed objects only; every other object counts as the reset state (base).
    const guestPath = (dir: string) => join(dir, obj.slice(1), 'io_uring', 'k.gcda');
    const base = join(root, 'base');
    mkdirSync(dirname(guestPath(base)), { recursive: true });
    copyFileSync(join(obj, 'io_uring', 'k.gcda'), guestPath(base)); // one run's counts, as a reset state could hold
    const build = { notes, objDir: obj, tree };
    // an item that changed nothing (no directory at all): its counts are the base's
    const none = await itemCounts(join(root, 'item-none'), build, base);
    expect(none.unmapped).toEqual([]);
    expect(none.counts.get('io_uring/k.c')!.get(6)).toBe(1);
    expect(none.counts.get('io_uring/k.c')!.get(7)).toBe(0);
    // an item that changed k: its own file alone, never added to the base's
    // argc 6: line 7 runs (and main returns puts()'s count: not 0)
    expect(spawnSync(join(obj, 'io_uring', 'k'), ['a', 'b', 'c', 'd', 'e'], { cwd: obj }).stdout.toString()).toBe('many\n');
    const changed = join(root, 'item-changed');
    mkdirSync(dirname(guestPath(changed)), { recursive: true });
    copyFileSync(join(obj, 'io_uring', 'k.gcda'), guestPath(changed)); // gcc accumulates: 2 runs in all
    const both = await itemCounts(changed, build, base);
    expect(both.counts.get('io_uring/k.c')!.get(6)).toBe(2);
    expect(both.counts.get('io_uring/k.c')!.get(7)).toBe(1);
  });
});
