// One item's gcov counters as line counts: the guest's .gcda files (written
// by the QEMU target under the item's directory, named as the guest's
// debugfs names them: <objdir>/io_uring/net.gcda) are paired with the build's
// .gcno notes (kept in the kernel's cache entry) and given to the host's gcov
// (the compiler's own tool, `gcov --json-format --stdout`), which solves the
// arc counts into a count per executable line. Sources are named relative to
// the kernel tree (io_uring/net.c, io_uring/kbuf.h); headers inlined into
// several objects add up.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readdir, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InfraError } from '../core/errors.ts';

/** Where a gcov build's notes are, and the paths its counters and sources are named by. */
export interface GcovBuild {
  /** .gcno files by object path (io_uring/net.gcno). */
  notes: string;
  /** The O= dir of the build: the guest's debugfs names each .gcda under it. */
  objDir: string;
  /** The source tree: gcov names sources by absolute path in it. */
  tree: string;
}

/** Source file (relative to the tree, or absolute when outside it) -> line -> count, for executable lines only. */
export type LineCounts = Map<string, Map<number, number>>;

export interface ItemCounts {
  counts: LineCounts;
  /** Counter files that map to no notes, each with why (listed in the report, never dropped). */
  unmapped: { file: string; why: string }[];
}

async function listGcda(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listGcda(p, base)));
    else if (e.isFile() && e.name.endsWith('.gcda')) out.push(relative(base, p));
  }
  return out.sort();
}

interface GcovJson {
  current_working_directory?: string;
  data_file?: string;
  files: { file: string; lines: { line_number: number; count: number }[] }[];
}

export async function gcovVersion(): Promise<string> {
  const r = await execa('gcov', ['--version'], { reject: false });
  if (r.exitCode !== 0)
    throw new InfraError(
      'gcov not found: it comes with gcc (apt-get install gcc); coverage needs the gcov of the compiler that built the kernel',
    );
  return r.stdout.split('\n')[0] ?? '';
}

/** The counts of one item (its directory of .gcda files). */
export async function itemCounts(dir: string, build: GcovBuild): Promise<ItemCounts> {
  const prefix = build.objDir.replace(/^\/+/, '') + '/';
  const unmapped: ItemCounts['unmapped'] = [];
  const byDir = new Map<string, string[]>();
  for (const rel of await listGcda(dir)) {
    if (!rel.startsWith(prefix)) {
      unmapped.push({ file: rel, why: `not under the build's object dir ${build.objDir}` });
      continue;
    }
    const obj = rel.slice(prefix.length);
    const notes = join(build.notes, obj.replace(/\.gcda$/, '.gcno'));
    if (!existsSync(notes)) {
      unmapped.push({ file: obj, why: 'the build has no .gcno notes for it' });
      continue;
    }
    const here = join(dir, rel.replace(/\.gcda$/, '.gcno'));
    if (!existsSync(here)) await symlink(notes, here);
    const d = dirname(join(dir, rel));
    byDir.set(d, [...(byDir.get(d) ?? []), join(dir, rel)]);
  }
  const counts: LineCounts = new Map();
  for (const [d, files] of byDir) {
    const r = await execa('gcov', ['--json-format', '--stdout', '--object-directory', d, ...files], {
      cwd: d,
      reject: false,
      maxBuffer: 1 << 30,
    });
    if (r.exitCode !== 0) throw new InfraError(`gcov failed on ${d}`, r.stderr);
    // gcov goes on with zero counts for a data file it cannot read; say which
    for (const m of r.stderr.matchAll(/^(\S+?\.gcda):(.*)$/gm))
      unmapped.push({ file: relative(join(dir, prefix), resolve(d, m[1]!)), why: m[2]!.trim() });
    for (const line of r.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const j = JSON.parse(line) as GcovJson;
      for (const f of j.files) {
        const abs = isAbsolute(f.file) ? f.file : resolve(j.current_working_directory ?? build.objDir, f.file);
        const name = abs.startsWith(build.tree + '/') ? abs.slice(build.tree.length + 1) : abs;
        let m = counts.get(name);
        if (!m) counts.set(name, (m = new Map()));
        for (const l of f.lines) m.set(l.line_number, (m.get(l.line_number) ?? 0) + l.count);
      }
    }
  }
  return { counts, unmapped };
}
