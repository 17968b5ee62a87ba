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

/** Line counts of each object of a directory of .gcda files, keyed by the object's path under the build's object dir (io_uring/net.gcda). */
async function countsByObject(dir: string, build: GcovBuild, unmapped: ItemCounts['unmapped']): Promise<Map<string, LineCounts>> {
  const prefix = build.objDir.replace(/^\/+/, '') + '/';
  const byDir = new Map<string, string[]>();
  const objectOf = new Map<string, string>(); // absolute .gcda path -> object
  for (const rel of existsSync(dir) ? await listGcda(dir) : []) {
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
    objectOf.set(join(dir, rel), obj);
  }
  const out = new Map<string, LineCounts>();
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
      const obj = objectOf.get(resolve(d, j.data_file ?? '')) ?? j.data_file ?? d;
      let counts = out.get(obj);
      if (!counts) out.set(obj, (counts = new Map()));
      addCounts(counts, j, build);
    }
  }
  return out;
}

function addCounts(counts: LineCounts, j: GcovJson, build: GcovBuild): void {
  for (const f of j.files) {
    const abs = isAbsolute(f.file) ? f.file : resolve(j.current_working_directory ?? build.objDir, f.file);
    const name = abs.startsWith(build.tree + '/') ? abs.slice(build.tree.length + 1) : abs;
    let m = counts.get(name);
    if (!m) counts.set(name, (m = new Map()));
    for (const l of f.lines) m.set(l.line_number, (m.get(l.line_number) ?? 0) + l.count);
  }
}

function mergeInto(into: LineCounts, from: LineCounts): void {
  for (const [file, lines] of from) {
    let m = into.get(file);
    if (!m) into.set(file, (m = new Map()));
    for (const [line, n] of lines) m.set(line, (m.get(line) ?? 0) + n);
  }
}

/** The reset state's counts, per object: solved by gcov once per directory, not once per item. */
const baseCache = new Map<string, Promise<{ objects: Map<string, LineCounts>; unmapped: ItemCounts['unmapped'] }>>();

function baseCounts(base: string, build: GcovBuild) {
  let p = baseCache.get(base);
  if (!p) {
    const unmapped: ItemCounts['unmapped'] = [];
    p = countsByObject(base, build, unmapped).then((objects) => ({ objects, unmapped }));
    baseCache.set(base, p);
    p.catch(() => baseCache.delete(base));
  }
  return p;
}

/**
 * The counts of one item: its directory of the .gcda files it changed, and, for every other object, the
 * reset state's counts from base (the guest sends only what an item changed; docs/coverage.md).
 */
export async function itemCounts(dir: string, build: GcovBuild, base?: string): Promise<ItemCounts> {
  const unmapped: ItemCounts['unmapped'] = [];
  const objects = await countsByObject(dir, build, unmapped);
  const counts: LineCounts = new Map();
  for (const c of objects.values()) mergeInto(counts, c);
  if (base !== undefined) {
    const b = await baseCounts(base, build);
    for (const [obj, c] of b.objects) if (!objects.has(obj)) mergeInto(counts, c);
    for (const u of b.unmapped) if (!unmapped.some((x) => x.file === u.file)) unmapped.push(u);
  }
  return { counts, unmapped };
}
