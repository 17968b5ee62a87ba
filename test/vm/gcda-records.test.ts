// The coverage records of a gcov boot, end to end on the host: the C of
// src/vm/guest/init.c (through test/vm/init-frames.c, built with GCOV_ROOT
// pointing at a directory of fake .gcda files) sends the reset state once and
// then only the words an item changed; src/vm/gcda-collector.ts must rebuild
// exactly the files the guest read after the item. What gcov later makes of
// them is test/coverage/gcov.test.ts's business.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { cc } from '../../src/core/cc.ts';
import { crcOf, FrameStream, parseRecord, type FrameEvent } from '../../src/vm/frame-parser.ts';
import { BaseCollector, GcdaCollector } from '../../src/vm/gcda-collector.ts';

const OBJ = 'root/obj/io_uring';
let root = '';
let harness = '';
const before: Record<string, Buffer> = {};
const after: Record<string, Buffer> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'uspec-gcda-records-'));
  // a: mostly zero with some structure; b: unchanged by the item; c: its size changes
  const a = Buffer.alloc(5000);
  for (let i = 0; i < a.length; i += 40) a.writeUInt32LE(0x01a10000 + i, i);
  before[`${OBJ}/a.gcda`] = a;
  before[`${OBJ}/b.gcda`] = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 7));
  before[`${OBJ}/sub/c.gcda`] = Buffer.alloc(100, 1);
  const a2 = Buffer.from(a);
  a2[100] = 0xff; // word 25
  a2[110] = 0x0a; // word 27, a newline byte
  a2[1007] = 0x80; // word 251, its top byte
  for (let i = 2000; i < 4000; i++) a2[i] = (i * 13 + 1) % 256 || 1; // words 500..999: more than a record (256)
  after[`${OBJ}/a.gcda`] = a2;
  after[`${OBJ}/b.gcda`] = before[`${OBJ}/b.gcda`]!;
  after[`${OBJ}/sub/c.gcda`] = Buffer.alloc(120, 2);
  for (const [dir, files] of [
    ['before', before],
    ['after', after],
  ] as const)
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(dirname(join(root, dir, path)), { recursive: true });
      writeFileSync(join(root, dir, path), bytes);
    }
  harness = join(root, 'init-frames');
  const r = await cc({
    sources: [join(import.meta.dirname, 'init-frames.c')],
    out: harness,
    flags: ['-O2', '-Wall', '-Werror', `-DGCOV_ROOT="${join(root, 'before')}"`],
  });
  expect(r.output).toBe('');
  expect(r.ok).toBe(true);
}, 60_000);

async function records(): Promise<FrameEvent[]> {
  const out = (await execa(harness, ['cov', 'sc1', join(root, 'after')], { encoding: 'latin1' })).stdout;
  for (const line of out.split('\n')) expect(line).toMatch(/^@@USPEC [\x20-\x7e]*$/);
  return new FrameStream().push(out + '\n');
}

describe('coverage records: the reset state once, then what an item changed', () => {
  it('sends every file whole once, then only the changed words (a resized file whole), and the host rebuilds them', async () => {
    const evs = await records();
    const kinds = evs.map((e) => e.kind);
    // the reset state: every file, then its end record, before any item record
    const baseEnd = kinds.indexOf('gcda-base-end');
    expect(kinds.slice(0, baseEnd).every((k) => k === 'gcda-base')).toBe(true);
    expect(evs[baseEnd]).toEqual({ kind: 'gcda-base-end', files: 3, bytes: 5400, crc: expect.any(Number) });
    // the item: a's changed words in order, 256 to a record; c whole (its size changed); b not at all
    const changed: [number, number][] = [];
    const a = before[`${OBJ}/a.gcda`]!;
    const a2 = after[`${OBJ}/a.gcda`]!;
    for (let w = 0; w < a.length / 4; w++) if (a.readUInt32LE(w * 4) !== a2.readUInt32LE(w * 4)) changed.push([w, a2.readUInt32LE(w * 4)]);
    expect(changed.slice(0, 3)).toEqual([
      [25, 0xff],
      [27, 0x0a0000],
      [251, 0x80000000],
    ]);
    expect(changed.length).toBe(503);
    const words = evs.flatMap((e) => (e.kind === 'gcda-words' ? [e] : []));
    expect(words.map((e) => [e.path, e.words.length])).toEqual([
      [`${OBJ}/a.gcda`, 256],
      [`${OBJ}/a.gcda`, 247],
    ]);
    expect(words.flatMap((e) => e.words)).toEqual(changed);
    const whole = evs.flatMap((e) => (e.kind === 'gcda' ? [e.path] : []));
    expect(whole).toEqual([`${OBJ}/sub/c.gcda`]);
    // the payload the crc covers, in the order the guest sent it: a whole file's bytes, per word index + value (LE u32)
    const canon = (ws: [number, number][]) => Buffer.concat(ws.map(([w, v]) => Buffer.from(new Uint32Array([w, v]).buffer)));
    const sent = Buffer.concat(evs.flatMap((e) => (e.kind === 'gcda' ? [e.data] : e.kind === 'gcda-words' ? [canon(e.words)] : [])));
    expect(evs.at(-1)).toEqual({ kind: 'gcda-end', id: 'sc1', files: 2, bytes: 503 * 8 + 120, crc: crcOf(sent) });

    // the host: the reset state under base/, the item's changed files under its dir, equal to what the guest read
    const base = new BaseCollector();
    const item = new GcdaCollector('sc1');
    for (const e of evs) {
      if (e.kind === 'gcda-base') expect(base.add(e.path, e.data)).toBeUndefined();
      if (e.kind === 'gcda-base-end') expect(base.finish(join(root, 'host', 'base'), e)).toBeUndefined();
      if (e.kind === 'gcda') expect(item.add(e.path, e.data)).toBeUndefined();
      if (e.kind === 'gcda-words') expect(item.words(e.path, e.words)).toBeUndefined();
      if (e.kind === 'gcda-end') {
        const cov = item.finish(join(root, 'host', '0'), join(root, 'host', 'base'), e);
        expect(cov).toEqual({ dir: join(root, 'host', '0'), base: join(root, 'host', 'base'), files: 2, bytes: 503 * 8 + 120 });
      }
    }
    for (const [path, bytes] of Object.entries(before)) expect(readFileSync(join(root, 'host', 'base', path)).equals(bytes)).toBe(true);
    expect(readFileSync(join(root, 'host', '0', `${OBJ}/a.gcda`)).equals(after[`${OBJ}/a.gcda`]!)).toBe(true);
    expect(readFileSync(join(root, 'host', '0', `${OBJ}/sub/c.gcda`)).equals(after[`${OBJ}/sub/c.gcda`]!)).toBe(true);
    expect(existsSync(join(root, 'host', '0', `${OBJ}/b.gcda`))).toBe(false);
  });

  it('refuses a difference it cannot place, a short or corrupted item, and paths that leave the directory', () => {
    const base = join(root, 'refuse', 'base');
    mkdirSync(join(base, OBJ), { recursive: true });
    writeFileSync(join(base, OBJ, 'a.gcda'), Buffer.alloc(10));
    const want = (words: [number, number][], files = 1) => {
      const b = Buffer.alloc(words.length * 8);
      words.forEach(([w, v], k) => (b.writeUInt32LE(w, k * 8), b.writeUInt32LE(v, k * 8 + 4)));
      return { files, bytes: b.length, crc: crcOf(b) };
    };
    const past = new GcdaCollector('x');
    past.words(`${OBJ}/a.gcda`, [[2, 1]]);
    expect(past.finish(join(root, 'refuse', '1'), base, want([[2, 1]]))).toMatch(/word 2 is past the end of .*a\.gcda \(10 bytes\)/);
    const nobase = new GcdaCollector('x');
    nobase.words(`${OBJ}/z.gcda`, [[0, 1]]);
    expect(nobase.finish(join(root, 'refuse', '2'), base, want([[0, 1]]))).toMatch(/z\.gcda, which has no reset state/);
    const corrupt = new GcdaCollector('x');
    corrupt.words(`${OBJ}/a.gcda`, [[1, 7]]);
    expect(corrupt.finish(join(root, 'refuse', '3'), base, want([[1, 6]]))).toMatch(/guest sent 1 files, 8 bytes, crc/);
    expect(new GcdaCollector('x').words('../../etc/passwd.gcda', [[0, 0]])).toMatch(/not a \.gcda path/);
    expect(parseRecord('@@USPEC GCDAW x a.gcda 1=2,=3').kind).toBe('garbage');
    expect(parseRecord('@@USPEC GCDAW x a.gcda 1=123456789').kind).toBe('garbage');
    expect(new BaseCollector().add('/abs/../x.gcda', Buffer.alloc(1))).toMatch(/not a \.gcda path/);
  });
});
