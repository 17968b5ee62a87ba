// A tiny tree shaped like a kernel build's branch, for the coverage tests:
// base, one prerequisite patch, then a series of three that adds lines, changes
// and deletes some of its own, adds a file and a header.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lines = (n: number, p = 'base') => Array.from({ length: n }, (_, i) => `${p} ${i + 1};`);

/** base + a prerequisite + a 3-patch series, as the kernel build leaves a branch (one commit per patch over tag "base"). */
export function seriesRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'uspec-series-lines-'));
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { cwd: dir });
  const write = (f: string, l: string[]) => writeFileSync(join(dir, f), l.join('\n') + '\n');
  const commit = (m: string) => {
    git('add', '-A');
    git('commit', '-qm', m);
  };
  git('init', '-q');
  const a = lines(12);
  write('a.c', a);
  commit('base');
  git('tag', 'base');
  // a prerequisite, not the series
  a[1] = 'prereq 2;';
  write('a.c', a);
  commit('prereq');
  // series 1/3: X1-X3 after line 5 (hunk 1), Y1 at the end (hunk 2)
  a.splice(5, 0, 'X1;', 'X2;', 'X3;');
  a.push('Y1;');
  write('a.c', a);
  commit('one');
  // series 2/3: X2 changed, Y1 deleted, a new file
  a[a.indexOf('X2;')] = "X2';";
  a.pop();
  write('a.c', a);
  write('b.c', ['B1;', 'B2;']);
  commit('two');
  // series 3/3: touches only the uapi-like header
  write('h.h', ['#define H 1']);
  commit('three');
  return dir;
}

export const SERIES_PATCHES = [
  { number: '1/1', subject: 'prereq', source: 'pre.mbox' },
  { number: '1/3', subject: 'one', source: 's.mbox' },
  { number: '2/3', subject: 'two', source: 's.mbox' },
  { number: '3/3', subject: 'three', source: 's.mbox' },
];
