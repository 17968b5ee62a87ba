// The host side of the guest's coverage records (src/vm/guest/init.c, uspec.cov=1): the reset state of
// every .gcda file, sent once per cold boot, and each item's counters as the bytes that differ from it.
// Both are checked against the guest's counts and CRC, then written as whole .gcda files, the form the
// host's gcov reads (src/coverage/gcov.ts). Never more than one item's worth in memory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ItemCoverage } from '../core/target.ts';
import { crcOf } from './frame-parser.ts';

/** A .gcda path as the guest names it, relative to /sys/kernel/debug/gcov: nothing that could leave the item's directory. */
const GCDA_PATH = /^(?!.*(?:^|\/)\.\.(?:\/|$))[\w.+/-]+\.gcda$/;

/** Every .gcda file as the guest read it right after a reset (GCDABASE, once per cold boot): what items' counters are sent against. */
export class BaseCollector {
  private files = new Map<string, Buffer[]>();
  add(path: string, data: Buffer): string | undefined {
    if (!GCDA_PATH.test(path)) return `GCDABASE path ${JSON.stringify(path)} is not a .gcda path under the gcov directory`;
    this.files.set(path, [...(this.files.get(path) ?? []), data]);
    return undefined;
  }
  /** Checks the guest's counts and CRC, writes the files under dir (the same bytes on every cold boot of a kernel). */
  finish(dir: string, want: { files: number; bytes: number; crc: number }): string | undefined {
    const whole = [...this.files].map(([path, chunks]) => [path, Buffer.concat(chunks)] as const);
    const all = Buffer.concat(whole.map(([, b]) => b));
    if (whole.length !== want.files || all.length !== want.bytes || crcOf(all) !== want.crc)
      return `coverage reset state: guest sent ${want.files} files, ${want.bytes} bytes, crc ${want.crc.toString(16)}; host got ${whole.length}, ${all.length}, ${crcOf(all).toString(16)}`;
    for (const [path, bytes] of whole) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    return undefined;
  }
}

/**
 * The counters of the item that ended last, until its GCDAEND: for each file that changed, either the whole
 * file (GCDA) or the 32-bit words that differ from its reset state (GCDAW). One item's worth, then on disk,
 * as whole .gcda files: the reset state with the words written in.
 */
export class GcdaCollector {
  private records: { path: string; data?: Buffer; words?: [number, number][] }[] = [];
  constructor(readonly id: string) {}
  /** A chunk of a whole file. */
  add(path: string, data: Buffer): string | undefined {
    if (!GCDA_PATH.test(path)) return `GCDA path ${JSON.stringify(path)} for ${this.id} is not a .gcda path under the gcov directory`;
    this.records.push({ path, data });
    return undefined;
  }
  /** Changed words of a file: [index, value]. */
  words(path: string, words: [number, number][]): string | undefined {
    if (!GCDA_PATH.test(path)) return `GCDAW path ${JSON.stringify(path)} for ${this.id} is not a .gcda path under the gcov directory`;
    this.records.push({ path, words });
    return undefined;
  }
  /** Checks the guest's counts and CRC, writes the item's changed files under dir (the others are as in base). */
  finish(dir: string, base: string, want: { files: number; bytes: number; crc: number }): ItemCoverage | string {
    // the payload as the guest counted it: a whole file's bytes; per word, its index and value (LE u32 each)
    const all = Buffer.concat(
      this.records.map((r) => {
        if (r.data) return r.data;
        const b = Buffer.alloc(r.words!.length * 8);
        r.words!.forEach(([w, v], k) => {
          b.writeUInt32LE(w, k * 8);
          b.writeUInt32LE(v, k * 8 + 4);
        });
        return b;
      }),
    );
    const paths = [...new Set(this.records.map((r) => r.path))];
    if (paths.length !== want.files || all.length !== want.bytes || crcOf(all) !== want.crc)
      return `coverage of ${this.id}: guest sent ${want.files} files, ${want.bytes} bytes, crc ${want.crc.toString(16)}; host got ${paths.length}, ${all.length}, ${crcOf(all).toString(16)}`;
    const files: [string, Buffer][] = [];
    for (const path of paths) {
      const recs = this.records.filter((r) => r.path === path);
      const words = recs.flatMap((r) => r.words ?? []);
      if (words.length === 0) {
        files.push([path, Buffer.concat(recs.map((r) => r.data!))]);
        continue;
      }
      if (recs.some((r) => r.data)) return `coverage of ${this.id}: ${path} sent both whole and as changed words`;
      const from = join(base, path);
      if (!existsSync(from)) return `coverage of ${this.id}: changed words of ${path}, which has no reset state (no GCDABASE for it)`;
      const bytes = readFileSync(from);
      for (const [w, v] of words) {
        if (w * 4 + 4 > bytes.length) return `coverage of ${this.id}: word ${w} is past the end of ${path} (${bytes.length} bytes)`;
        bytes.writeUInt32LE(v, w * 4);
      }
      files.push([path, bytes]);
    }
    mkdirSync(dir, { recursive: true });
    for (const [path, bytes] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }
    return { dir, base, files: files.length, bytes: all.length };
  }
}
